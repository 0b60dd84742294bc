/**
 * Golden fixtures of `@arizeai/openinference-instrumentation-openai` 4.2.7 (openai@6), captured
 * against the loopback mock: the derived values must match what the mock answered.
 */
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { loadFixture } from "../helpers/fixtures";
import { MOCK } from "../helpers/mock-llm";
import { expectValidRecord } from "../helpers/schema";

const SYSTEM = { role: "system", parts: [{ type: "text", content: "You are a terse assistant." }] };
const USER = { role: "user", parts: [{ type: "text", content: "Say hello." }] };
const TOOL_ARGS = JSON.parse(MOCK.tool.arguments) as unknown;

function convert(scenario: string): CanonicalSpan[] {
  const records = loadFixture("openinference-openai", scenario).spans.map((s) => toCanonicalSpan(s));
  for (const r of records) expectValidRecord(r);
  return records;
}

function usageOfMock(): CanonicalSpan["usage"] {
  return {
    inputTokens: MOCK.usage.prompt_tokens,
    outputTokens: MOCK.usage.completion_tokens,
    totalTokens: MOCK.usage.total_tokens,
    cacheReadTokens: MOCK.usage.prompt_tokens_details.cached_tokens,
    reasoningTokens: MOCK.usage.completion_tokens_details.reasoning_tokens,
    audioInputTokens: MOCK.usage.prompt_tokens_details.audio_tokens,
    audioOutputTokens: MOCK.usage.completion_tokens_details.audio_tokens,
    aggregate: false,
  };
}

describe("openinference-openai golden fixtures", () => {
  it("chat: every LLM fact, and nothing left unmodeled", () => {
    const records = convert("chat");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.type).toBe("LLM");
    expect(r.status).toEqual({ code: "OK" });
    expect(r.conventions).toEqual(["openinference"]);
    expect(r.llm).toEqual({
      provider: "openai",
      requestModel: MOCK.chatModel,
      responseModel: MOCK.responseModel,
      model: MOCK.responseModel,
      streaming: false,
      responseId: MOCK.chatId,
      parameters: { temperature: 0.2, maxTokens: 64 },
      systemInstructions: SYSTEM.parts,
      inputMessages: [SYSTEM, USER],
      outputMessages: [{ role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason }],
      finishReasons: [MOCK.finishReason],
    });
    expect(r.usage).toEqual(usageOfMock());
    expect(r.sources).toMatchObject({
      "llm.provider": "llm.system",
      "llm.requestModel": "llm.invocation_parameters#model",
      "llm.responseModel": "llm.model_name",
      "llm.responseId": "output.value#id",
      "usage.cacheReadTokens": "llm.token_count.prompt_details.cache_read",
      "usage.reasoningTokens": "llm.token_count.completion_details.reasoning",
    });
    expect(r.input).toMatchObject({ model: MOCK.chatModel, temperature: 0.2, max_tokens: 64 });
    expect(r.output).toMatchObject({ id: MOCK.chatId, model: MOCK.responseModel });
    expect(r.extras).toEqual({});
  });

  it("stream: streaming from invocation parameters, the joined text, no usage reported", () => {
    const [r] = convert("stream");
    expect(r!.type).toBe("LLM");
    expect(r!.llm).toMatchObject({ streaming: true, requestModel: MOCK.chatModel, model: MOCK.chatModel, finishReasons: [MOCK.finishReason] });
    expect(r!.sources["llm.streaming"]).toBe("llm.invocation_parameters#stream");
    expect(r!.llm?.parameters).toEqual({ temperature: 0.2, maxTokens: 64, stream_options: { include_usage: true } });
    expect(r!.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.streamChunks.join("") }], finish_reason: "stop" }]);
    expect(r!.output).toBe(MOCK.streamChunks.join(""));
    // OpenInference 4.2.7 records no token counts for streamed calls.
    expect(r!.usage).toBeUndefined();
    expect(r!.extras).toEqual({});
  });

  it("tool: the call requests the tool with parsed arguments; the follow-up carries the parsed tool result", () => {
    const [first, second] = convert("tool");
    const definition = {
      type: "function",
      name: MOCK.tool.name,
      description: "Current weather of a city.",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
    };
    expect(first!.llm?.toolDefinitions).toEqual([definition]);
    expect(first!.sources["llm.toolDefinitions"]).toBe("llm.tools");
    expect(first!.llm?.parameters).toBeUndefined(); // the tools are definitions, not parameters
    expect(first!.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: TOOL_ARGS }]);
    expect(first!.llm?.finishReasons).toEqual(["tool_call"]);
    expect(first!.llm?.outputMessages).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: MOCK.tool.callId, name: MOCK.tool.name, arguments: TOOL_ARGS }], finish_reason: "tool_call" },
    ]);
    expect(first!.usage).toEqual(usageOfMock());
    expect(first!.tool).toBeUndefined();

    expect(second!.llm?.inputMessages).toEqual([
      { role: "user", parts: [{ type: "text", content: "What is the weather in Paris?" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: MOCK.tool.callId, name: MOCK.tool.name, arguments: TOOL_ARGS }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: MOCK.tool.callId, response: { city: "Paris", forecast: "sunny", temperatureC: 21 } }] },
    ]);
    expect(second!.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.toolFollowUpText }], finish_reason: "stop" }]);
    expect(second!.llm?.toolCalls).toBeUndefined();
    expect(second!.extras).toEqual({});
  });

  it("embeddings: an EMBEDDING record with the model, the text as input and the vector as output", () => {
    const [r] = convert("embeddings");
    expect(r!.type).toBe("EMBEDDING");
    expect(r!.llm).toEqual({ provider: "openai", requestModel: MOCK.embeddings.model, model: MOCK.embeddings.model });
    expect(r!.input).toBe("The quick brown fox.");
    expect(r!.output).toEqual([MOCK.embeddings.vector]);
    expect(r!.sources.output).toBe("embedding.embeddings");
    expect(r!.extras).toEqual({});
  });

  it("error: the instrumentation exports no span for a rejected call", () => {
    const f = loadFixture("openinference-openai", "error");
    expect(f.spans).toHaveLength(0);
  });
});
