/**
 * Live: the Vercel AI SDK 7 (`ai-v7` + `ai-sdk-openai-v4`) with the GenAI-semconv `OpenTelemetry`
 * integration of `@ai-sdk/otel`, against the loopback mock, through `CanonicalSpanProcessor` +
 * `MemorySink`: `invoke_agent` roots over `step N` (agent_step) spans over `chat` calls and
 * `execute_tool` spans.
 */
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK } from "../helpers/mock-llm";
import { detailedChatUsage, expectEveryRecordDelivered, mockChatLlm, mockEmbeddingRecord } from "./expected";
import { byName, canonicalTextMessages, liveChild, requestBody, scenario } from "./run-live";

const live = liveChild("ai-sdk-7");

// AI SDK 7 reports cached and reasoning tokens for each chat call: detailedChatUsage.

const chatName = (model: string) => `chat ${model}`;
const agentName = (model: string) => `invoke_agent ${model}`;

describe("live: Vercel AI SDK 7 with @ai-sdk/otel", () => {
  it("delivers every span as a schema-valid record; agent and step spans carry the runtime context", () => {
    const all = expectEveryRecordDelivered(live);
    const withContext = all.filter((r) => r.type === "AGENT" || r.type === "CHAIN");
    expect(withContext.length).toBeGreaterThan(0);
    for (const r of withContext) expect(r).toMatchObject({ sessionId: live.meta.sessionId, userId: live.meta.userId, tags: live.meta.tags });
  });

  it("chat: the chat call has per-call usage and messages; invoke_agent aggregates; the step is a CHAIN", () => {
    const records = scenario(live, "chat");
    expect(records).toHaveLength(3);
    const call = byName(records, chatName(MOCK.chatModel));
    const step = byName(records, "step 1");
    const agent = byName(records, agentName(MOCK.chatModel));
    expect(agent.parentId).toBeNull();
    expect(step.parentId).toBe(agent.spanId);
    expect(call.parentId).toBe(step.spanId);

    expect(call).toMatchObject({ type: "LLM", kind: "CLIENT" });
    expect(call.llm).toMatchObject(mockChatLlm());
    expect(call.usage).toEqual({ ...detailedChatUsage(), aggregate: false });
    // GenAI semconv keeps the system prompt apart, in gen_ai.system_instructions.
    const sent = canonicalTextMessages(requestBody(live, "chat").messages);
    expect(call.llm?.systemInstructions).toEqual(sent.filter((m) => m.role === "system").flatMap((m) => m.parts));
    expect(call.llm?.inputMessages).toEqual(sent.filter((m) => m.role !== "system"));
    expect(call.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason }]);

    expect(agent.type).toBe("AGENT");
    expect(agent.agent?.name).toBe(live.meta.functionId);
    expect(agent.llm?.operation).toBe("invoke_agent");
    expect(agent.usage).toEqual({ ...detailedChatUsage(), aggregate: true });
    expect(step.type).toBe("CHAIN");
    expect(step.usage?.aggregate).toBe(true);
  });

  it("stream: the chat call is streamed, with a time to first token", () => {
    const call = byName(scenario(live, "stream"), chatName(MOCK.chatModel));
    expect(call.llm?.streaming).toBe(true);
    expect(call.llm!.timeToFirstTokenMs!).toBeGreaterThan(0);
    expect(call.llm!.timeToFirstTokenMs!).toBeLessThanOrEqual(call.durationMs);
    expect(call.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.streamChunks.join("") }]);
    expect(call.usage).toEqual({ ...detailedChatUsage(), aggregate: false });
  });

  it("tool: execute_tool is a TOOL record with name, call id, type, parsed arguments and result", () => {
    const records = scenario(live, "tool");
    const calls = records.filter((r) => r.name === chatName(MOCK.chatModel));
    expect(calls).toHaveLength(2);
    const [plan, answer] = calls as [CanonicalSpan, CanonicalSpan];
    const tool = byName(records, `execute_tool ${MOCK.tool.name}`);
    const agent = byName(records, agentName(MOCK.chatModel));

    expect(plan.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) }]);
    expect(plan.llm?.finishReasons).toEqual(["tool_call"]);

    const sentTool = (requestBody(live, "tool", 1).messages as Array<{ role: string; content?: string }>).find((m) => m.role === "tool")!;
    expect(tool.type).toBe("TOOL");
    expect(tool.tool).toEqual({
      name: MOCK.tool.name,
      callId: MOCK.tool.callId,
      type: "function",
      arguments: JSON.parse(MOCK.tool.arguments),
      result: JSON.parse(sentTool.content!),
    });
    expect(tool.traceId).toBe(agent.traceId);

    expect(answer.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.toolFollowUpText }]);
    expect(agent.usage).toEqual({ ...detailedChatUsage(2), aggregate: true });
    const perCall = records.filter((r) => r.usage && !r.usage.aggregate).reduce((n, r) => n + (r.usage?.totalTokens ?? 0), 0);
    expect(perCall).toBe(agent.usage?.totalTokens);
  });

  it("embeddings: the embedding call is an EMBEDDING record with its token count", () => {
    const records = scenario(live, "embeddings");
    const withUsage = records.filter((r) => r.usage && !r.usage.aggregate);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0]).toMatchObject(mockEmbeddingRecord());
  });

  it("error: the failed call, its step and its agent are ERROR with the provider's message", () => {
    const records = scenario(live, "error");
    expect(records.map((r) => r.name).sort()).toEqual([chatName(MOCK.failModel), agentName(MOCK.failModel), "step 1"].sort());
    for (const r of records) {
      expect(r.status).toEqual({ code: "ERROR", message: MOCK.error.body.error.message });
      expect(r.error).toMatchObject({ type: "AI_APICallError", message: MOCK.error.body.error.message });
    }
    expect(byName(records, chatName(MOCK.failModel)).llm?.requestModel).toBe(MOCK.failModel);
  });
});
