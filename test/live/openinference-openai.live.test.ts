/**
 * Live: `@arizeai/openinference-instrumentation-openai` patching openai@6, against the loopback
 * mock, through `CanonicalSpanProcessor` + `MemorySink`.
 */
import { MOCK } from "../helpers/mock-llm";
import { detailedChatUsage, expectEveryRecordDelivered } from "./expected";
import { canonicalTextMessages, liveChild, requestBody, scenario } from "./run-live";

const live = liveChild("openinference-openai");

/** OpenInference reports the token details of a non-streamed completion, audio included. */
function fullUsage() {
  return {
    ...detailedChatUsage(),
    audioInputTokens: MOCK.usage.prompt_tokens_details.audio_tokens,
    audioOutputTokens: MOCK.usage.completion_tokens_details.audio_tokens,
    aggregate: false,
  };
}

describe("live: @arizeai/openinference-instrumentation-openai", () => {
  it("delivers every span as a schema-valid record and drops nothing", () => {
    expectEveryRecordDelivered(live);
  });

  it("chat: an LLM record with models, cached and reasoning tokens, and messages", () => {
    const records = scenario(live, "chat");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({ type: "LLM", conventions: ["openinference"], status: { code: "OK" } });
    expect(r.llm).toMatchObject({
      provider: "openai",
      requestModel: MOCK.chatModel,
      responseModel: MOCK.responseModel,
      model: MOCK.responseModel,
      finishReasons: [MOCK.finishReason],
      streaming: false,
    });
    expect(r.usage).toEqual(fullUsage());
    expect(r.llm?.inputMessages).toEqual(canonicalTextMessages(requestBody(live, "chat").messages));
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason }]);
  });

  it("stream: streaming from the invocation parameters, and the streamed text", () => {
    const records = scenario(live, "stream");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.type).toBe("LLM");
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.requestModel).toBe(MOCK.chatModel);
    expect(r.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.streamChunks.join("") }]);
    // OpenInference 4.2.7 records no token counts for a streamed call (even with include_usage).
    expect(r.usage).toBeUndefined();
  });

  it("tool: the tool definitions offered, the tool call, and the tool result in the follow-up", () => {
    const [first, second, ...rest] = scenario(live, "tool");
    expect(rest).toEqual([]);
    const offered = (requestBody(live, "tool").tools as Array<{ type: string; function: { name: string; description: string; parameters: unknown } }>)[0]!;
    expect(first!.llm?.toolDefinitions).toEqual([
      { type: offered.type, name: offered.function.name, description: offered.function.description, parameters: offered.function.parameters },
    ]);
    expect(first!.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) }]);
    expect(first!.llm?.finishReasons).toEqual(["tool_call"]);
    expect(first!.usage).toEqual(fullUsage());

    const sentTool = (requestBody(live, "tool", 1).messages as Array<{ role: string; content?: string; tool_call_id?: string }>).find((m) => m.role === "tool")!;
    expect(second!.llm?.inputMessages?.find((m) => m.role === "tool")?.parts).toEqual([
      { type: "tool_call_response", id: sentTool.tool_call_id, response: JSON.parse(sentTool.content!) },
    ]);
    expect(second!.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.toolFollowUpText }]);
  });

  // OpenInference's `llm.invocation_parameters` JSON also holds `tools`, already modeled as
  // `llm.toolDefinitions`: they must not be repeated in `llm.parameters`.
  it("tool: the offered tools are not repeated inside llm.parameters", () => {
    const [first] = scenario(live, "tool");
    expect(first!.llm?.toolDefinitions?.length).toBe(1);
    expect(first!.llm?.parameters ?? {}).not.toHaveProperty("tools");
  });

  it("embeddings: an EMBEDDING record with the embeddings model", () => {
    const records = scenario(live, "embeddings");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ type: "EMBEDDING", llm: { provider: "openai", requestModel: MOCK.embeddings.model, model: MOCK.embeddings.model } });
  });

  it("error: OpenInference 4.2.7 never ends the span of a rejected call, so there is no record", () => {
    // The mock did answer 500 (the scenario asserts it); the instrumentation's error path covers
    // synchronous throws only. This pins upstream behaviour: when it changes, assert the record.
    expect(live.requests.error?.map((q) => q.body.model)).toEqual([MOCK.failModel]);
    expect(scenario(live, "error")).toEqual([]);
  });
});
