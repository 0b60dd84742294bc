/**
 * Golden fixtures of the official OTel GenAI instrumentation (`@opentelemetry/instrumentation-openai`
 * 0.21 with openai@6), captured against the loopback mock. Its messages arrive as log records,
 * handed to the converter as `logEvents` (what the processor's log-record companion does).
 */
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { loadFixture, logEventsFor } from "../helpers/fixtures";
import { MOCK } from "../helpers/mock-llm";
import { expectValidRecord } from "../helpers/schema";

function convert(scenario: string) {
  const fixture = loadFixture("otel-openai", scenario);
  const records = fixture.spans.map((s) => toCanonicalSpan(s, { logEvents: logEventsFor(fixture, s) }));
  for (const r of records) expectValidRecord(r);
  return records;
}

describe("otel-openai golden fixtures", () => {
  it("chat: an LLM record with models, usage and messages from log records", () => {
    const [r] = convert("chat");
    expect(r).toBeDefined();
    expect(r!.type).toBe("LLM");
    expect(r!.conventions).toEqual(["gen_ai"]);
    expect(r!.llm).toMatchObject({
      operation: "chat",
      provider: "openai",
      requestModel: MOCK.chatModel,
      responseModel: MOCK.responseModel,
      model: MOCK.responseModel,
      streaming: false,
      responseId: MOCK.chatId,
      finishReasons: ["stop"],
    });
    expect(r!.usage).toEqual({
      inputTokens: MOCK.usage.prompt_tokens,
      outputTokens: MOCK.usage.completion_tokens,
      totalTokens: MOCK.usage.prompt_tokens + MOCK.usage.completion_tokens,
      aggregate: false,
    });
    expect(r!.llm?.inputMessages?.length).toBeGreaterThan(0);
    expect(r!.llm?.inputMessages?.at(-1)?.role).toBe("user");
    expect(r!.llm?.outputMessages).toEqual([
      { role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason },
    ]);
    expect(r!.sources["llm.outputMessages"]).toBe("log:gen_ai.choice");
  });

  it("tool: the first call requests the tool; the follow-up carries the tool result", () => {
    const [first, second] = convert("tool");
    expect(first!.llm?.finishReasons).toEqual(["tool_call"]);
    expect(first!.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) }]);
    const history = second!.llm?.inputMessages ?? [];
    const toolMsg = history.find((m) => m.role === "tool");
    expect(toolMsg?.parts[0]).toMatchObject({ type: "tool_call_response", id: MOCK.tool.callId });
    const assistant = history.find((m) => m.role === "assistant");
    expect(assistant?.parts[0]).toMatchObject({ type: "tool_call", id: MOCK.tool.callId, name: MOCK.tool.name });
    expect(second!.llm?.finishReasons).toEqual(["stop"]);
  });

  it("stream: usage and the streamed text (the instrumentation sets no streaming attribute)", () => {
    const [r] = convert("stream");
    expect(r!.type).toBe("LLM");
    expect(r!.llm?.outputMessages?.[0]?.parts[0]).toEqual({ type: "text", content: MOCK.streamChunks.join("") });
  });

  it("embeddings: an EMBEDDING record with the embeddings model and token count", () => {
    const [r] = convert("embeddings");
    expect(r!.type).toBe("EMBEDDING");
    expect(r!.llm).toMatchObject({ operation: "embeddings", provider: "openai", requestModel: MOCK.embeddings.model });
    expect(r!.usage?.inputTokens).toBe(MOCK.embeddings.usage.prompt_tokens);
  });

  it("error: an HTTP 500 becomes status ERROR with the error type", () => {
    const [r] = convert("error");
    expect(r!.status.code).toBe("ERROR");
    expect(r!.error?.type).toBe("InternalServerError");
    expect(r!.llm?.requestModel).toBe(MOCK.failModel);
  });
});
