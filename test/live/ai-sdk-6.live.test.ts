/**
 * Live: the Vercel AI SDK 6 built-in telemetry (`ai`@6 + `@ai-sdk/openai`@3) against the loopback
 * mock, through `CanonicalSpanProcessor` + `MemorySink`: `ai.generateText` / `ai.streamText` /
 * `ai.embed` roots (aggregate usage) over the per-call `doGenerate` / `doStream` / `doEmbed` spans
 * and `ai.toolCall` spans.
 */
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK } from "../helpers/mock-llm";
import { detailedChatUsage, expectEveryRecordDelivered, mockChatLlm } from "./expected";
import { byName, canonicalTextMessages, liveChild, requestBody, scenario } from "./run-live";

const live = liveChild("ai-sdk-6");

// AI SDK 6 reports cached and reasoning tokens (no audio) for each chat call: detailedChatUsage.

function expectChildOf(child: CanonicalSpan, parent: CanonicalSpan): void {
  expect(child.traceId).toBe(parent.traceId);
  expect(child.parentId).toBe(parent.spanId);
}

describe("live: Vercel AI SDK 6 telemetry", () => {
  it("delivers every span as a schema-valid record, with the telemetry metadata as session, user and tags", () => {
    for (const r of expectEveryRecordDelivered(live)) {
      expect(r.conventions).toContain("vercel_ai");
      expect(r).toMatchObject({ sessionId: live.meta.sessionId, userId: live.meta.userId, tags: live.meta.tags });
    }
  });

  it("chat: the doGenerate LLM call carries per-call usage; the generateText root aggregates it", () => {
    const records = scenario(live, "chat");
    expect(records).toHaveLength(2);
    const call = byName(records, "ai.generateText.doGenerate");
    const root = byName(records, "ai.generateText");
    expectChildOf(call, root);
    expect(root.parentId).toBeNull();

    expect(call.type).toBe("LLM");
    expect(call.llm).toMatchObject(mockChatLlm());
    expect(call.usage).toEqual({ ...detailedChatUsage(), aggregate: false });
    expect(call.llm?.inputMessages).toEqual(canonicalTextMessages(requestBody(live, "chat").messages));
    expect(call.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason }]);

    expect(root.type).toBe("AGENT");
    expect(root.usage).toEqual({ ...detailedChatUsage(), aggregate: true });
  });

  it("stream: doStream is a streamed LLM call with a time to first token", () => {
    const records = scenario(live, "stream");
    const call = byName(records, "ai.streamText.doStream");
    const root = byName(records, "ai.streamText");
    expectChildOf(call, root);
    expect(call.llm).toMatchObject({ streaming: true, responseModel: MOCK.responseModel });
    expect(call.llm?.timeToFirstTokenMs).toEqual(expect.any(Number));
    expect(call.llm!.timeToFirstTokenMs!).toBeGreaterThan(0);
    expect(call.llm?.timeToFirstTokenMs!).toBeLessThanOrEqual(call.durationMs);
    expect(call.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.streamChunks.join("") }]);
    expect(call.usage).toEqual({ ...detailedChatUsage(), aggregate: false });
    expect(root.llm?.streaming).toBe(true);
    expect(root.usage).toEqual({ ...detailedChatUsage(), aggregate: true });
  });

  it("tool: two calls, one TOOL record (name, call id, parsed arguments, result), a root summing both calls", () => {
    const records = scenario(live, "tool");
    expect(records.map((r) => r.name)).toEqual(["ai.generateText.doGenerate", "ai.toolCall", "ai.generateText.doGenerate", "ai.generateText"]);
    const [plan, toolCall, answer, root] = records as [CanonicalSpan, CanonicalSpan, CanonicalSpan, CanonicalSpan];
    for (const r of [plan, toolCall, answer]) expectChildOf(r, root);

    expect(plan.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) }]);
    expect(plan.llm?.finishReasons).toEqual(["tool_call"]);

    // The result the SDK fed back to the model is exactly what the TOOL record holds.
    const sentTool = (requestBody(live, "tool", 1).messages as Array<{ role: string; content?: string; tool_call_id?: string }>).find((m) => m.role === "tool")!;
    expect(toolCall.type).toBe("TOOL");
    expect(toolCall.tool).toEqual({
      name: MOCK.tool.name,
      callId: MOCK.tool.callId,
      arguments: JSON.parse(MOCK.tool.arguments),
      result: JSON.parse(sentTool.content!),
    });
    expect(toolCall.usage).toBeUndefined();

    expect(answer.llm?.inputMessages?.find((m) => m.role === "tool")?.parts).toEqual([
      { type: "tool_call_response", id: MOCK.tool.callId, response: JSON.parse(sentTool.content!) },
    ]);
    expect(answer.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.toolFollowUpText }]);

    expect(root.usage).toEqual({ ...detailedChatUsage(2), aggregate: true });
    // Summing the non-aggregate usage gives the trace total, with no double counting.
    const perCall = records.filter((r) => r.usage && !r.usage.aggregate).reduce((n, r) => n + (r.usage?.totalTokens ?? 0), 0);
    expect(perCall).toBe(root.usage?.totalTokens);
  });

  it("embeddings: doEmbed is an EMBEDDING call under an aggregate ai.embed root", () => {
    const records = scenario(live, "embeddings");
    const call = byName(records, "ai.embed.doEmbed");
    const root = byName(records, "ai.embed");
    expectChildOf(call, root);
    expect(call).toMatchObject({ type: "EMBEDDING", llm: { operation: "embeddings", provider: "openai", requestModel: MOCK.embeddings.model } });
    expect(call.usage).toEqual({ inputTokens: MOCK.embeddings.usage.prompt_tokens, totalTokens: MOCK.embeddings.usage.total_tokens, aggregate: false });
    expect(root.usage?.aggregate).toBe(true);
  });

  it("error: the failed call and its root are ERROR with the provider's message", () => {
    const records = scenario(live, "error");
    const call = byName(records, "ai.generateText.doGenerate");
    const root = byName(records, "ai.generateText");
    for (const r of [call, root]) {
      expect(r.status).toEqual({ code: "ERROR", message: MOCK.error.body.error.message });
      expect(r.error).toMatchObject({ type: "AI_APICallError", message: MOCK.error.body.error.message });
      expect(r.llm?.requestModel).toBe(MOCK.failModel);
      expect(r.usage).toBeUndefined();
    }
  });
});
