/** Derived values from spans captured with the real Langfuse JS SDK (`@langfuse/tracing`) against the mock LLM. */
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { loadFixture } from "../helpers/fixtures";
import { MOCK } from "../helpers/mock-llm";

/** Constants of the capture scenario (scripts/capture/scenarios/langfuse.mjs, openai-scenarios.mjs). */
const SYSTEM = "You are a terse assistant.";
const PROMPT = "Say hello.";
const WEATHER_RESULT = { city: "Paris", forecast: "sunny", temperatureC: 21 };
const TRACE_METADATA = { feature: "demo", environment: "capture", release: "r-1" };

const CALL_USAGE = {
  inputTokens: MOCK.usage.prompt_tokens,
  outputTokens: MOCK.usage.completion_tokens,
  totalTokens: MOCK.usage.total_tokens,
  cacheReadTokens: MOCK.usage.prompt_tokens_details.cached_tokens,
  reasoningTokens: MOCK.usage.completion_tokens_details.reasoning_tokens,
};
const COST = { inputUsd: MOCK.cost.input, outputUsd: MOCK.cost.output, totalUsd: MOCK.cost.total };
const text = (content: string) => ({ type: "text", content });

function derive(scenario: string): { recs: CanonicalSpan[]; starts: number[] } {
  const fx = loadFixture("langfuse", scenario);
  return {
    recs: fx.spans.map((s) => toCanonicalSpan(s)),
    starts: fx.spans.map((s) => s.startTime[0] * 1000 + s.startTime[1] / 1e6),
  };
}
function one(recs: CanonicalSpan[], name: string): CanonicalSpan {
  const found = recs.filter((r) => r.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("langfuse fixtures", () => {
  it("chat: a generation with model, parameters, usage, cost, messages and trace attributes", () => {
    const { recs } = derive("chat");
    const r = one(recs, "chat-completion");
    expect(r.type).toBe("LLM");
    expect(r.llm).toEqual({
      model: MOCK.responseModel,
      requestModel: MOCK.responseModel,
      streaming: false,
      parameters: { temperature: 0.2, maxTokens: 64 },
      systemInstructions: [text(SYSTEM)],
      inputMessages: [
        { role: "system", parts: [text(SYSTEM)] },
        { role: "user", parts: [text(PROMPT)] },
      ],
      outputMessages: [{ role: "assistant", parts: [text(MOCK.text)] }],
    });
    expect(r.usage).toEqual({ ...CALL_USAGE, aggregate: false });
    expect(r.cost).toEqual(COST);
    expect(r.metadata).toEqual({ ...TRACE_METADATA, finishReason: MOCK.finishReason, responseId: MOCK.chatId });
    expect(r.userId).toBe("u-1");
    expect(r.sessionId).toBe("s-1");
    expect(r.tags).toEqual(["capture", "langfuse"]);
    expect(r.conventions).toEqual(["langfuse"]);
    expect(r.extras).toEqual({ "langfuse.internal.is_app_root": true });
  });

  it("stream: completion_start_time becomes the TTFT relative to the span start", () => {
    const fx = loadFixture("langfuse", "stream");
    const { recs, starts } = derive("stream");
    const r = one(recs, "streamed-completion");
    const cst = Date.parse(JSON.parse(fx.spans[0]!.attributes["langfuse.observation.completion_start_time"] as string) as string);
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.timeToFirstTokenMs).toBe(Math.round((cst - starts[0]!) * 1000) / 1000);
    expect(r.llm?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [text(MOCK.streamChunks.join(""))] }]);
    expect(r.usage).toEqual({ ...CALL_USAGE, aggregate: false });
  });

  it("tool: agent > generation (tool call) > tool > generation; only generations carry usage", () => {
    const { recs } = derive("tool");
    const args = JSON.parse(MOCK.tool.arguments) as unknown;
    const plan = one(recs, "plan");
    expect(plan.type).toBe("LLM");
    expect(plan.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: args }]);
    const tool = one(recs, MOCK.tool.name);
    expect(tool.type).toBe("TOOL");
    expect(tool.tool).toEqual({ name: MOCK.tool.name, arguments: args, result: WEATHER_RESULT });
    expect(tool.metadata).toMatchObject({ toolCallId: MOCK.tool.callId });
    const answer = one(recs, "answer");
    expect(answer.llm?.inputMessages?.[2]).toEqual({ role: "tool", parts: [{ type: "tool_call_response", id: MOCK.tool.callId, response: WEATHER_RESULT }] });
    expect(answer.llm?.outputMessages).toEqual([{ role: "assistant", parts: [text(MOCK.toolFollowUpText)] }]);
    const agent = one(recs, "weather-agent");
    expect(agent.type).toBe("AGENT");
    expect(agent.usage).toBeUndefined();
    expect(agent.input).toBe("What is the weather in Paris?");
    expect(agent.output).toBe(MOCK.toolFollowUpText);
    const summed = recs.filter((r) => r.usage && !r.usage.aggregate).reduce((n, r) => n + (r.usage?.inputTokens ?? 0), 0);
    expect(summed).toBe(2 * MOCK.usage.prompt_tokens);
    const cost = recs.reduce((n, r) => n + (r.cost?.totalUsd ?? 0), 0);
    expect(cost).toBeCloseTo(2 * MOCK.cost.total, 12);
  });

  it("embeddings: an EMBEDDING observation with its input token count", () => {
    const { recs } = derive("embeddings");
    const r = one(recs, "embed-query");
    expect(r.type).toBe("EMBEDDING");
    expect(r.llm).toEqual({ model: MOCK.embeddings.model, requestModel: MOCK.embeddings.model });
    expect(r.usage).toEqual({ inputTokens: MOCK.embeddings.usage.prompt_tokens, totalTokens: MOCK.embeddings.usage.total_tokens, aggregate: false });
    expect(r.input).toBe("The quick brown fox.");
  });

  it("error: level ERROR raises the (UNSET) OTel status with the status message", () => {
    const fx = loadFixture("langfuse", "error");
    const { recs } = derive("error");
    for (const [i, r] of recs.entries()) {
      const message = fx.spans[i]!.attributes["langfuse.observation.status_message"] as string;
      expect(message).toContain(MOCK.error.body.error.message);
      expect(r.status).toEqual({ code: "ERROR", message });
      expect(r.error).toEqual({ message });
    }
    expect(one(recs, "failing-call").llm?.requestModel).toBe(MOCK.failModel);
    expect(one(recs, "failing-agent").type).toBe("AGENT");
  });
});
