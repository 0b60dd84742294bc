/**
 * Golden fixtures of `@traceloop/instrumentation-openai` 0.27.0 (openai@6), captured against the
 * loopback mock. This generation writes OTel `gen_ai.*` keys only (the "1.40 migration"), so
 * the records come from the gen_ai mapper; the OpenLLMetry mapper must not claim them.
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
  const records = loadFixture("openllmetry-openai", scenario).spans.map((s) => toCanonicalSpan(s));
  for (const r of records) {
    expectValidRecord(r);
    expect(r.conventions).toEqual(["gen_ai"]);
    expect(r.extras).toEqual({});
  }
  return records;
}

describe("openllmetry-openai golden fixtures", () => {
  it("chat: models, parameters, messages, usage and response id", () => {
    const [r] = convert("chat");
    expect(r!.type).toBe("LLM");
    expect(r!.llm).toEqual({
      operation: "chat",
      provider: "openai",
      requestModel: MOCK.chatModel,
      responseModel: MOCK.responseModel,
      model: MOCK.responseModel,
      streaming: false,
      responseId: MOCK.chatId,
      parameters: { temperature: 0.2, maxTokens: 64 },
      systemInstructions: SYSTEM.parts,
      inputMessages: [SYSTEM, USER],
      outputMessages: [{ role: "assistant", finish_reason: "stop", parts: [{ type: "text", content: MOCK.text }] }],
      finishReasons: ["stop"],
    });
    // 0.27.0 reports no cache or reasoning details.
    expect(r!.usage).toEqual({ inputTokens: MOCK.usage.prompt_tokens, outputTokens: MOCK.usage.completion_tokens, totalTokens: MOCK.usage.total_tokens, aggregate: false });
    expect(r!.sources["usage.totalTokens"]).toBe("gen_ai.usage.total_tokens");
  });

  it("stream: the joined text; the instrumentation reports neither a streaming flag nor usage", () => {
    const [r] = convert("stream");
    expect(r!.llm?.outputMessages).toEqual([{ role: "assistant", finish_reason: "stop", parts: [{ type: "text", content: MOCK.streamChunks.join("") }] }]);
    expect(r!.llm?.streaming).toBe(false);
    expect(r!.sources["llm.streaming"]).toBe("rule:default");
    expect(r!.usage).toBeUndefined();
  });

  it("tool: the tool call and the follow-up with the tool result", () => {
    const [first, second] = convert("tool");
    expect(first!.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: TOOL_ARGS }]);
    expect(first!.llm?.finishReasons).toEqual(["tool_call"]);
    expect(first!.llm?.toolDefinitions).toHaveLength(1);
    // Normalized to the OTel shape whatever the source shape (OpenLLMetry writes OpenAI's `{function: {...}}`).
    expect(first!.llm?.toolDefinitions?.[0]).toMatchObject({ type: "function", name: MOCK.tool.name });
    expect(second!.llm?.inputMessages?.[2]).toEqual({
      role: "tool",
      parts: [{ type: "tool_call_response", id: MOCK.tool.callId, response: '{"city":"Paris","forecast":"sunny","temperatureC":21}' }],
    });
    expect(second!.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.toolFollowUpText }]);
  });

  it("error: the instrumentation exports no span for a rejected call", () => {
    expect(loadFixture("openllmetry-openai", "error").spans).toHaveLength(0);
  });
});
