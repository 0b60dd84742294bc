/**
 * Live: `@traceloop/instrumentation-openai` (OpenLLMetry) patching openai@6, against the loopback
 * mock, through `CanonicalSpanProcessor` + `MemorySink`. Version 0.27 writes current GenAI
 * semconv keys (`gen_ai.input.messages`, `gen_ai.provider.name`, …), so records carry `gen_ai`.
 */
import { MOCK } from "../helpers/mock-llm";
import { expectEveryRecordDelivered, mockChatLlm } from "./expected";
import { canonicalTextMessages, liveChild, mockChatUsage, requestBody, scenario } from "./run-live";

const live = liveChild("openllmetry-openai");

describe("live: @traceloop/instrumentation-openai", () => {
  it("delivers every span as a schema-valid record and drops nothing", () => {
    expectEveryRecordDelivered(live);
  });

  it("chat: an LLM record with models, usage and messages, nothing left unmodeled", () => {
    const records = scenario(live, "chat");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({ type: "LLM", kind: "CLIENT", conventions: ["gen_ai"] });
    expect(r.llm).toMatchObject(mockChatLlm());
    // 0.27 reports input/output tokens only (no cached or reasoning details).
    expect(r.usage).toEqual({ ...mockChatUsage(MOCK), aggregate: false });
    expect(r.llm?.inputMessages).toEqual(canonicalTextMessages(requestBody(live, "chat").messages));
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", finish_reason: MOCK.finishReason, parts: [{ type: "text", content: MOCK.text }] }]);
    expect(r.extras).toEqual({});
  });

  it("stream: the streamed text; 0.27 reports neither token counts nor that the call streamed", () => {
    const records = scenario(live, "stream");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.streamChunks.join("") }]);
    expect(r.llm?.responseModel).toBe(MOCK.responseModel);
    expect(r.usage).toBeUndefined();
    // No gen_ai.request.stream, TTFT or chunk event: CONVENTIONS §8.2 rule 8 (default false).
    expect(r.llm?.streaming).toBe(false);
    expect(r.sources["llm.streaming"]).toBe("rule:default");
  });

  it("tool: the tool call with parsed arguments, then the tool result in the follow-up's history", () => {
    const [first, second, ...rest] = scenario(live, "tool");
    expect(rest).toEqual([]);
    expect(first!.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) }]);
    expect(first!.llm?.finishReasons).toEqual(["tool_call"]);
    expect(first!.usage).toEqual({ ...mockChatUsage(MOCK), aggregate: false });
    const sentTool = (requestBody(live, "tool", 1).messages as Array<{ role: string; content?: string; tool_call_id?: string }>).find((m) => m.role === "tool")!;
    // OpenLLMetry writes the tool message content as sent (a JSON string); the record keeps it.
    expect(second!.llm?.inputMessages?.find((m) => m.role === "tool")?.parts).toEqual([
      { type: "tool_call_response", id: sentTool.tool_call_id, response: sentTool.content },
    ]);
    expect(second!.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.toolFollowUpText }]);
  });

  // OpenLLMetry writes gen_ai.tool.definitions in the OpenAI request shape ({type, function: {…}});
  // records carry the semconv shape ({type, name, description, parameters}) whatever the source.
  it("tool: tool definitions come out in the GenAI semconv shape, as from other instrumentations", () => {
    const [first] = scenario(live, "tool");
    const offered = (requestBody(live, "tool").tools as Array<{ type: string; function: { name: string; description: string; parameters: unknown } }>)[0]!;
    expect(first!.llm?.toolDefinitions).toEqual([
      { type: offered.type, name: offered.function.name, description: offered.function.description, parameters: offered.function.parameters },
    ]);
  });

  it("error: 0.27 ends the span only on success, so a failed call leaves no record", () => {
    expect(live.requests.error?.map((q) => q.body.model)).toEqual([MOCK.failModel]);
    expect(scenario(live, "error")).toEqual([]);
  });
});
