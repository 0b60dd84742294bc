/**
 * Derived values from spans captured with the real Vercel AI SDK (ai@6 legacy spans, ai@7 with
 * `LegacyOpenTelemetry` and with the `@ai-sdk/otel` GenAI integration) against the mock LLM.
 */
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { loadFixture, logEventsFor } from "../helpers/fixtures";
import { MOCK } from "../helpers/mock-llm";

/** Constants of the capture scenarios (scripts/capture/openai-scenarios.mjs, scenarios/vercel-ai.mjs). */
const SYSTEM = "You are a terse assistant.";
const PROMPT = "Say hello.";
const TOOL_PROMPT = "What is the weather in Paris?";
const WEATHER_RESULT = { city: "Paris", forecast: "sunny", temperatureC: 21 };
const EMBEDDING_INPUT = "The quick brown fox.";
const FUNCTION_ID = "demo";

/** Usage of one mock chat completion, in canonspan terms. */
const CALL_USAGE = {
  inputTokens: MOCK.usage.prompt_tokens,
  outputTokens: MOCK.usage.completion_tokens,
  totalTokens: MOCK.usage.total_tokens,
  cacheReadTokens: MOCK.usage.prompt_tokens_details.cached_tokens,
  reasoningTokens: MOCK.usage.completion_tokens_details.reasoning_tokens,
};
const times = (n: number): typeof CALL_USAGE => ({
  inputTokens: CALL_USAGE.inputTokens * n,
  outputTokens: CALL_USAGE.outputTokens * n,
  totalTokens: CALL_USAGE.totalTokens * n,
  cacheReadTokens: CALL_USAGE.cacheReadTokens * n,
  reasoningTokens: CALL_USAGE.reasoningTokens * n,
});

function derive(instrumentation: string, scenario: string): CanonicalSpan[] {
  const fx = loadFixture(instrumentation, scenario);
  return fx.spans.map((s) => toCanonicalSpan(s, { logEvents: logEventsFor(fx, s) }));
}
function byName(records: CanonicalSpan[], name: string): CanonicalSpan[] {
  return records.filter((r) => r.name === name);
}
function one(records: CanonicalSpan[], name: string): CanonicalSpan {
  const found = byName(records, name);
  expect(found).toHaveLength(1);
  return found[0]!;
}
/** Non-aggregate usage summed over a trace: what a cost roll-up would count. */
function summedCalls(records: CanonicalSpan[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    if (!r.usage || r.usage.aggregate) continue;
    for (const [k, v] of Object.entries(r.usage)) if (typeof v === "number") out[k] = (out[k] ?? 0) + v;
  }
  return out;
}
const text = (content: string) => ({ type: "text", content });

describe.each(["ai-sdk-6", "ai-sdk-7-legacy"])("%s legacy ai.* spans", (instr) => {
  const tag = instr === "ai-sdk-6" ? "ai-sdk-6" : "ai-sdk-7";

  it("chat: the root is an AGENT roll-up, doGenerate the LLM call with the per-call usage", () => {
    const recs = derive(instr, "chat");
    const call = one(recs, "ai.generateText.doGenerate");
    const root = one(recs, "ai.generateText");
    expect(call.type).toBe("LLM");
    expect(call.llm).toMatchObject({
      operation: "chat",
      provider: "openai",
      requestModel: MOCK.chatModel,
      responseModel: MOCK.responseModel,
      model: MOCK.responseModel,
      streaming: false,
      parameters: { temperature: 0.2, maxTokens: 64, maxRetries: 2 },
      systemInstructions: [text(SYSTEM)],
      inputMessages: [
        { role: "system", parts: [text(SYSTEM)] },
        { role: "user", parts: [text(PROMPT)] },
      ],
      outputMessages: [{ role: "assistant", parts: [text(MOCK.text)], finish_reason: MOCK.finishReason }],
      finishReasons: [MOCK.finishReason],
      responseId: MOCK.chatId,
    });
    expect(call.sources["llm.provider"]).toBe("gen_ai.system");
    // ai.model.provider says the same as the winning gen_ai.system: consumed, not repeated in extras.
    expect(call.extras["ai.model.provider"]).toBeUndefined();
    expect(call.usage).toEqual({ ...CALL_USAGE, aggregate: false });
    expect(call.conventions).toEqual(["gen_ai", "vercel_ai"]);

    expect(root.type).toBe("AGENT");
    expect(root.usage).toEqual({ ...CALL_USAGE, aggregate: true });
    expect(root.sources["usage.aggregate"]).toBe("rule:aggregate");
    expect(root.llm).toMatchObject({
      provider: "openai",
      requestModel: MOCK.chatModel,
      streaming: false,
      systemInstructions: [text(SYSTEM)],
      inputMessages: [{ role: "user", parts: [text(PROMPT)] }],
      outputMessages: [{ role: "assistant", parts: [text(MOCK.text)], finish_reason: MOCK.finishReason }],
    });
    for (const r of recs) {
      expect(r.agent).toEqual({ name: FUNCTION_ID });
      expect(r.sessionId).toBe("s-1");
      expect(r.userId).toBe("u-1");
      expect(r.tags).toEqual(["capture", tag]);
    }
    expect(summedCalls(recs)).toEqual(CALL_USAGE);
  });

  it("stream: streamText and doStream are streamed; doStream carries the TTFT", () => {
    const fx = loadFixture(instr, "stream");
    const recs = derive(instr, "stream");
    const call = one(recs, "ai.streamText.doStream");
    const raw = fx.spans.find((s) => s.name === "ai.streamText.doStream")!.attributes["ai.response.msToFirstChunk"] as number;
    expect(raw).toBeGreaterThan(0);
    expect(call.type).toBe("LLM");
    expect(call.llm?.streaming).toBe(true);
    expect(call.llm?.timeToFirstTokenMs).toBe(Math.round(raw * 1000) / 1000);
    expect(call.llm?.outputMessages).toEqual([{ role: "assistant", parts: [text(MOCK.streamChunks.join(""))], finish_reason: MOCK.finishReason }]);
    expect(call.usage).toEqual({ ...CALL_USAGE, aggregate: false });
    const root = one(recs, "ai.streamText");
    expect(root.type).toBe("AGENT");
    expect(root.llm?.streaming).toBe(true);
    expect(root.usage?.aggregate).toBe(true);
    expect(summedCalls(recs)).toEqual(CALL_USAGE);
  });

  it("tool: tool call requested, executed, and answered; the root sums both calls", () => {
    const recs = derive(instr, "tool");
    const args = JSON.parse(MOCK.tool.arguments) as unknown;
    const tool = one(recs, "ai.toolCall");
    expect(tool.type).toBe("TOOL");
    expect(tool.tool).toEqual({ name: MOCK.tool.name, callId: MOCK.tool.callId, arguments: args, result: WEATHER_RESULT });
    expect(tool.extras).toEqual({});

    const [first, second] = byName(recs, "ai.generateText.doGenerate").sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    expect(first!.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: args }]);
    expect(first!.llm?.finishReasons).toEqual(["tool_call"]);
    expect(first!.llm?.toolDefinitions).toEqual([
      expect.objectContaining({ type: "function", name: MOCK.tool.name, description: "Current weather of a city.", parameters: expect.objectContaining({ type: "object" }) }),
    ]);
    expect(second!.llm?.inputMessages).toEqual([
      { role: "user", parts: [text(TOOL_PROMPT)] },
      { role: "assistant", parts: [{ type: "tool_call", id: MOCK.tool.callId, name: MOCK.tool.name, arguments: args }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: MOCK.tool.callId, response: WEATHER_RESULT }] },
    ]);
    expect(second!.llm?.outputMessages).toEqual([{ role: "assistant", parts: [text(MOCK.toolFollowUpText)], finish_reason: "stop" }]);
    for (const c of [first!, second!]) expect(c.usage).toEqual({ ...CALL_USAGE, aggregate: false });

    const root = one(recs, "ai.generateText");
    expect(root.usage).toEqual({ ...times(2), aggregate: true });
    expect(summedCalls(recs)).toEqual(times(2));
  });

  it("embeddings: doEmbed is the EMBEDDING call, the embed root a CHAIN roll-up", () => {
    const recs = derive(instr, "embeddings");
    const call = one(recs, "ai.embed.doEmbed");
    expect(call.type).toBe("EMBEDDING");
    expect(call.llm).toMatchObject({ operation: "embeddings", provider: "openai", model: MOCK.embeddings.model });
    expect(call.usage).toEqual({ inputTokens: MOCK.embeddings.usage.prompt_tokens, totalTokens: MOCK.embeddings.usage.total_tokens, aggregate: false });
    expect(call.input).toEqual([EMBEDDING_INPUT]);
    expect(call.output).toEqual([MOCK.embeddings.vector]);
    const root = one(recs, "ai.embed");
    expect(root.type).toBe("CHAIN");
    expect(root.usage?.aggregate).toBe(true);
    expect(root.input).toBe(EMBEDDING_INPUT);
    expect(root.output).toEqual(MOCK.embeddings.vector);
    expect(summedCalls(recs)).toEqual({ inputTokens: MOCK.embeddings.usage.prompt_tokens, totalTokens: MOCK.embeddings.usage.total_tokens });
  });

  it("error: both spans are ERROR with the provider's message", () => {
    const recs = derive(instr, "error");
    for (const r of recs) {
      expect(r.status).toEqual({ code: "ERROR", message: MOCK.error.body.error.message });
      expect(r.error).toMatchObject({ type: "AI_APICallError", message: MOCK.error.body.error.message });
      expect(r.llm?.requestModel).toBe(MOCK.failModel);
    }
    expect(one(recs, "ai.generateText.doGenerate").type).toBe("LLM");
    expect(one(recs, "ai.generateText").type).toBe("AGENT");
  });
});

describe("ai-sdk-7 GenAI integration (@ai-sdk/otel)", () => {
  it("chat: invoke_agent and step roll up, the chat span is the non-streamed call", () => {
    const recs = derive("ai-sdk-7", "chat");
    const chat = one(recs, `chat ${MOCK.chatModel}`);
    expect(chat.type).toBe("LLM");
    expect(chat.llm).toMatchObject({ provider: "openai", requestModel: MOCK.chatModel, responseModel: MOCK.responseModel, streaming: false, responseId: MOCK.chatId });
    expect(chat.llm?.timeToFirstTokenMs).toBeUndefined();
    // Reasoning tokens come only from the supplemental ai.usage.* keys.
    expect(chat.usage).toEqual({ ...CALL_USAGE, aggregate: false });
    expect(chat.sources["usage.reasoningTokens"]).toBe("ai.usage.outputTokenDetails.reasoningTokens");
    const step = one(recs, "step 1");
    expect(step.type).toBe("CHAIN");
    expect(step.usage?.aggregate).toBe(true);
    const agent = one(recs, `invoke_agent ${MOCK.chatModel}`);
    expect(agent.type).toBe("AGENT");
    expect(agent.agent).toEqual({ name: FUNCTION_ID });
    expect(agent.usage).toEqual({ ...CALL_USAGE, aggregate: true });
    expect(agent.sources["usage.aggregate"]).toBe("rule:aggregate");
    expect(agent.conventions).toEqual(["gen_ai", "vercel_ai"]);
    // Runtime context (ai.settings.context.*) sits on the run and step spans.
    for (const r of [step, agent]) {
      expect(r.sessionId).toBe("s-1");
      expect(r.userId).toBe("u-1");
      expect(r.tags).toEqual(["capture", "ai-sdk-7"]);
    }
    expect(summedCalls(recs)).toEqual(CALL_USAGE);
  });

  it("stream: time_to_first_chunk on the chat span is the streaming signal", () => {
    const fx = loadFixture("ai-sdk-7", "stream");
    const recs = derive("ai-sdk-7", "stream");
    const chat = one(recs, `chat ${MOCK.chatModel}`);
    const seconds = fx.spans.find((s) => s.name === `chat ${MOCK.chatModel}`)!.attributes["gen_ai.client.operation.time_to_first_chunk"] as number;
    expect(chat.llm?.streaming).toBe(true);
    expect(chat.llm?.timeToFirstTokenMs).toBe(Math.round(seconds * 1000 * 1000) / 1000);
    expect(one(recs, `invoke_agent ${MOCK.chatModel}`).usage?.aggregate).toBe(true);
    expect(summedCalls(recs)).toEqual(CALL_USAGE);
  });

  it("tool: execute_tool is the TOOL span; two chat calls summed equal the run's aggregate", () => {
    const recs = derive("ai-sdk-7", "tool");
    const tool = one(recs, `execute_tool ${MOCK.tool.name}`);
    expect(tool.type).toBe("TOOL");
    expect(tool.tool).toEqual({ name: MOCK.tool.name, callId: MOCK.tool.callId, arguments: JSON.parse(MOCK.tool.arguments), result: WEATHER_RESULT, type: "function" });
    expect(byName(recs, `chat ${MOCK.chatModel}`).map((r) => r.usage)).toEqual([
      { ...CALL_USAGE, aggregate: false },
      { ...CALL_USAGE, aggregate: false },
    ]);
    const agent = one(recs, `invoke_agent ${MOCK.chatModel}`);
    expect(agent.usage).toEqual({ ...times(2), aggregate: true });
    expect(summedCalls(recs)).toEqual(times(2));
  });

  it("embeddings: usage only on the inner batch span", () => {
    const recs = derive("ai-sdk-7", "embeddings");
    expect(recs).toHaveLength(2);
    for (const r of recs) expect(r.type).toBe("EMBEDDING");
    const withUsage = recs.filter((r) => r.usage);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0]!.parentId).not.toBeNull();
    expect(withUsage[0]!.usage).toEqual({ inputTokens: MOCK.embeddings.usage.prompt_tokens, totalTokens: MOCK.embeddings.usage.total_tokens, aggregate: false });
    expect(withUsage[0]!.output).toEqual([MOCK.embeddings.vector]);
  });

  it("error: every span of the failed run is ERROR", () => {
    const recs = derive("ai-sdk-7", "error");
    for (const r of recs) expect(r.status).toEqual({ code: "ERROR", message: MOCK.error.body.error.message });
    expect(one(recs, `chat ${MOCK.failModel}`).type).toBe("LLM");
  });
});
