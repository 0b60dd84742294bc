/**
 * Live: the official `@opentelemetry/instrumentation-openai` patching openai@6, running against the
 * loopback mock, through `CanonicalSpanProcessor` + `MemorySink`. Its prompts and completions are
 * log records, which reach the records through `CanonicalLogRecordProcessor` (the companion).
 */
import { MOCK } from "../helpers/mock-llm";
import { expectEveryRecordDelivered, mockChatLlm, mockEmbeddingRecord } from "./expected";
import { canonicalTextMessages, liveChild, mockChatUsage, requestBody, scenario } from "./run-live";

const live = liveChild("otel-openai");

describe("live: @opentelemetry/instrumentation-openai", () => {
  it("delivers every span as a schema-valid record, drops nothing, and consumes every log event", () => {
    expectEveryRecordDelivered(live);
    expect(live.stats.converted).toBe(live.stats.received);
    expect(live.logStats?.accepted).toBeGreaterThan(0);
    expect(live.logStats?.taken).toBe(live.logStats?.accepted);
  });

  it("chat: an LLM record with models, usage and the messages of the log records", () => {
    const records = scenario(live, "chat");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({ type: "LLM", kind: "CLIENT", parentId: null, conventions: ["gen_ai"], status: { code: "UNSET" } });
    expect(r.scope.name).toBe("@opentelemetry/instrumentation-openai");
    expect(r.llm).toMatchObject(mockChatLlm());
    // The instrumentation reports no cached or reasoning token counts: none may appear.
    expect(r.usage).toEqual({ ...mockChatUsage(MOCK), aggregate: false });
    expect(r.llm?.inputMessages).toEqual(canonicalTextMessages(requestBody(live, "chat").messages));
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason }]);
    expect(r.sources["llm.inputMessages"]).toMatch(/^log:/);
    expect(r.sources["llm.outputMessages"]).toBe("log:gen_ai.choice");
  });

  it("stream: the streamed text and the usage of the final chunk", () => {
    const records = scenario(live, "stream");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(requestBody(live, "stream").stream).toBe(true);
    expect(r.type).toBe("LLM");
    expect(r.llm).toMatchObject({ requestModel: MOCK.chatModel, responseModel: MOCK.responseModel, finishReasons: [MOCK.finishReason] });
    expect(r.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.streamChunks.join("") }]);
    expect(r.usage).toEqual({ ...mockChatUsage(MOCK), aggregate: false });
    // instrumentation-openai 0.21 records nothing that tells a streamed call apart (no
    // gen_ai.request.stream, no TTFT, no chunk events), so CONVENTIONS §8.2 rule 8 applies: false.
    expect(r.llm?.streaming).toBe(false);
    expect(r.sources["llm.streaming"]).toBe("rule:default");
  });

  it("tool: the model's tool call (name, id, parsed arguments), then the follow-up carrying the tool result", () => {
    const [first, second, ...rest] = scenario(live, "tool");
    expect(rest).toEqual([]);
    expect(first!.llm?.finishReasons).toEqual(["tool_call"]);
    expect(first!.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) }]);
    expect(first!.usage).toEqual({ ...mockChatUsage(MOCK), aggregate: false });

    const sent = requestBody(live, "tool", 1).messages as Array<{ role: string; content?: string; tool_call_id?: string }>;
    const sentTool = sent.find((m) => m.role === "tool")!;
    const history = second!.llm?.inputMessages ?? [];
    expect(history.map((m) => m.role)).toEqual(sent.map((m) => m.role));
    expect(history.find((m) => m.role === "assistant")?.parts).toEqual([
      { type: "tool_call", id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) },
    ]);
    expect(history.find((m) => m.role === "tool")?.parts).toEqual([
      { type: "tool_call_response", id: sentTool.tool_call_id, response: JSON.parse(sentTool.content!) },
    ]);
    expect(second!.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.toolFollowUpText }]);
    expect(second!.llm?.finishReasons).toEqual([MOCK.finishReason]);
  });

  it("embeddings: an EMBEDDING record with the model and its input token count", () => {
    const records = scenario(live, "embeddings");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject(mockEmbeddingRecord());
  });

  it("error: the HTTP 500 becomes status ERROR with the SDK's error class and message", () => {
    const records = scenario(live, "error");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.status.code).toBe("ERROR");
    expect(r.status.message).toContain(MOCK.error.body.error.message);
    // openai@6 raises InternalServerError for HTTP 500; the instrumentation puts its name in error.type.
    expect(r.error).toMatchObject({ type: "InternalServerError" });
    expect(r.error?.message).toContain(MOCK.error.body.error.message);
    expect(r.llm).toMatchObject({ requestModel: MOCK.failModel, model: MOCK.failModel });
    expect(r.usage).toBeUndefined();
  });
});
