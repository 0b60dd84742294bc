/**
 * What the live tests expect the mock's answers to become in canonical records, and the checks
 * every live suite makes, written once: the suites differ in what each instrumentation reports,
 * not in what the mock sent.
 */
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK } from "../helpers/mock-llm";
import { expectValidRecord } from "../helpers/schema";
import { mockChatUsage, type LiveResult } from "./run-live";

/**
 * Every record of the run is schema-valid, the processor dropped none, and there is one record
 * per span it received. Returns the records for suite-specific checks.
 */
export function expectEveryRecordDelivered(live: LiveResult): CanonicalSpan[] {
  const all = Object.values(live.scenarios).flat();
  expect(all.length).toBeGreaterThan(0);
  for (const r of all) expectValidRecord(r);
  expect(live.stats.dropped).toEqual({});
  expect(live.stats.received).toBe(all.length);
  return all;
}

/**
 * The usage of `calls` mock chat completions with the cached and reasoning token details, for
 * the instrumentations that report them (inclusive counts; `aggregate` is the caller's).
 */
export function detailedChatUsage(calls = 1) {
  const u = mockChatUsage(MOCK);
  return {
    inputTokens: u.inputTokens * calls,
    outputTokens: u.outputTokens * calls,
    totalTokens: u.totalTokens * calls,
    cacheReadTokens: MOCK.usage.prompt_tokens_details.cached_tokens * calls,
    reasoningTokens: MOCK.usage.completion_tokens_details.reasoning_tokens * calls,
  };
}

/** `llm` of a non-streamed mock chat completion, as instrumentations that report the response id give it. */
export function mockChatLlm() {
  return {
    operation: "chat",
    provider: "openai",
    requestModel: MOCK.chatModel,
    responseModel: MOCK.responseModel,
    model: MOCK.responseModel,
    responseId: MOCK.chatId,
    finishReasons: [MOCK.finishReason],
    streaming: false,
  };
}

/** A mock embeddings call as an EMBEDDING record with its own (non-aggregate) token count. */
export function mockEmbeddingRecord() {
  return {
    type: "EMBEDDING",
    llm: { operation: "embeddings", provider: "openai", requestModel: MOCK.embeddings.model },
    usage: { inputTokens: MOCK.embeddings.usage.prompt_tokens, totalTokens: MOCK.embeddings.usage.total_tokens, aggregate: false },
  };
}
