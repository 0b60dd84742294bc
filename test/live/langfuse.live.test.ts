/**
 * Live: `@langfuse/tracing` observations (with `LangfuseSpanProcessor` stamping its attributes)
 * around real `openai` calls to the loopback mock, through `CanonicalSpanProcessor` + `MemorySink`.
 * The child reports usage the way Langfuse's OpenAI integration does: additive buckets, details
 * excluded from `input` / `output`; records must carry inclusive counts (SPEC.md §1.3).
 */
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK } from "../helpers/mock-llm";
import { detailedChatUsage, expectEveryRecordDelivered } from "./expected";
import { byName, canonicalTextMessages, liveChild, requestBody, scenario } from "./run-live";

const live = liveChild("langfuse");

function fullUsage() {
  return { ...detailedChatUsage(), aggregate: false };
}

const COST = { inputUsd: MOCK.cost.input, outputUsd: MOCK.cost.output, totalUsd: MOCK.cost.total };

describe("live: @langfuse/tracing", () => {
  it("delivers every observation as a schema-valid record with the propagated user, session and tags", () => {
    for (const r of expectEveryRecordDelivered(live)) {
      expect(r.conventions).toEqual(["langfuse"]);
      expect(r).toMatchObject({ sessionId: live.meta.sessionId, userId: live.meta.userId, tags: live.meta.tags });
      expect(r.metadata).toMatchObject({ environment: live.meta.environment });
    }
  });

  it("chat: a generation is an LLM record with inclusive usage, cost and messages", () => {
    const records = scenario(live, "chat");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.type).toBe("LLM");
    // Langfuse has one model field; the observation was updated with the response's model.
    expect(r.llm).toMatchObject({ model: MOCK.responseModel, streaming: false });
    expect(r.usage).toEqual(fullUsage());
    expect(r.cost).toEqual(COST);
    expect(r.llm?.inputMessages).toEqual(canonicalTextMessages(requestBody(live, "chat").messages));
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.text }] }]);
  });

  it("stream: completionStartTime makes it a streamed call with a time to first token", () => {
    const records = scenario(live, "stream");
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.timeToFirstTokenMs).toEqual(expect.any(Number));
    expect(r.llm!.timeToFirstTokenMs!).toBeGreaterThanOrEqual(0);
    // completionStartTime is a millisecond Date, the span's start a sub-millisecond hrtime: allow 1 ms.
    expect(r.llm!.timeToFirstTokenMs!).toBeLessThanOrEqual(r.durationMs + 1);
    expect(r.llm?.model).toBe(MOCK.chatModel);
    expect(r.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.streamChunks.join("") }]);
    expect(r.usage).toEqual(fullUsage());
  });

  it("tool: agent > generation (tool call) > tool (parsed arguments and result) > generation", () => {
    const records = scenario(live, "tool");
    expect(records.map((r) => r.name)).toEqual(["plan", MOCK.tool.name, "answer", "weather-agent"]);
    const [plan, tool, answer, agent] = records as [CanonicalSpan, CanonicalSpan, CanonicalSpan, CanonicalSpan];
    expect(agent).toMatchObject({ type: "AGENT", parentId: null });
    for (const r of [plan, tool, answer]) expect(r.parentId).toBe(agent.spanId);

    expect(plan.type).toBe("LLM");
    expect(plan.llm?.toolCalls).toEqual([{ id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) }]);
    const sentTool = (requestBody(live, "tool", 1).messages as Array<{ role: string; content?: string }>).find((m) => m.role === "tool")!;
    expect(tool.type).toBe("TOOL");
    expect(tool.tool).toMatchObject({ arguments: JSON.parse(MOCK.tool.arguments), result: JSON.parse(sentTool.content!) });
    expect(answer.llm?.outputMessages?.[0]?.parts).toEqual([{ type: "text", content: MOCK.toolFollowUpText }]);
    for (const r of [plan, answer]) expect(r.usage).toEqual(fullUsage());
    expect(agent.usage).toBeUndefined();
  });

  it("error: level ERROR raises the status of the generation and of the agent", () => {
    const records = scenario(live, "error");
    const call = byName(records, "failing-call");
    const agent = byName(records, "failing-agent");
    expect(call).toMatchObject({ type: "LLM", status: { code: "ERROR" }, llm: { model: MOCK.failModel } });
    expect(call.status.message).toContain(MOCK.error.body.error.message);
    expect(call.error?.message).toBe(call.status.message);
    expect(agent).toMatchObject({ type: "AGENT", status: { code: "ERROR" } });
    expect(agent.error?.message).toContain(MOCK.error.body.error.message);
    expect(call.parentId).toBe(agent.spanId);
  });
});
