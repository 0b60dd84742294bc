/**
 * examples/vercel-ai: AI SDK 6 telemetry through `CanonicalSpanProcessor`, run as a child process
 * on the built package against a loopback mock.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK, startMockLlm, type MockLlm } from "../helpers/mock-llm";
import { expectValidRecord } from "../helpers/schema";
import { exampleEnv, EXAMPLES, readJsonl, requireBuilt, runNode, tempDir, type ChildResult } from "./run-example";

/** The example's own telemetry inputs (examples/vercel-ai/app.mjs). */
const APP = { functionId: "weather-agent", sessionId: "session-42", userId: "user-7", tags: ["example"] };

let dir: string;
let mock: MockLlm;
let run: ChildResult;
let records: CanonicalSpan[];

beforeAll(async () => {
  requireBuilt();
  dir = tempDir();
  mock = await startMockLlm();
  const out = join(dir, "spans.jsonl");
  run = await runNode([join(EXAMPLES, "vercel-ai", "app.mjs"), "--out", out], {
    env: exampleEnv({ OPENAI_BASE_URL: mock.baseURL, OPENAI_API_KEY: "sk-mock-not-a-secret" }),
  });
  records = readJsonl(out);
}, 90_000);

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/vercel-ai", () => {
  it("runs the two-step tool agent to completion and prints its tree", () => {
    expect(run).toMatchObject({ code: 0, signal: null, timedOut: false });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`model says: ${MOCK.toolFollowUpText}`);
    expect(run.stdout).toMatch(/^AGENT ai\.generateText .*\(aggregate\)/m);
    expect(mock.requests).toHaveLength(2);
  });

  it("writes the root, both model calls and the tool call, with session, user and tags", () => {
    for (const r of records) {
      expectValidRecord(r);
      expect(r).toMatchObject({ sessionId: APP.sessionId, userId: APP.userId, tags: APP.tags });
    }
    expect(records.map((r) => `${r.type} ${r.name}`)).toEqual([
      "LLM ai.generateText.doGenerate",
      "TOOL ai.toolCall",
      "LLM ai.generateText.doGenerate",
      "AGENT ai.generateText",
    ]);
    const root = records[3]!;
    for (const r of records.slice(0, 3)) expect(r.parentId).toBe(root.spanId);
  });

  it("derives per-call usage, the aggregate on the root, and the tool's name, call id, arguments and result", () => {
    const [plan, tool, answer, root] = records as [CanonicalSpan, CanonicalSpan, CanonicalSpan, CanonicalSpan];
    const perCall = {
      inputTokens: MOCK.usage.prompt_tokens,
      outputTokens: MOCK.usage.completion_tokens,
      totalTokens: MOCK.usage.total_tokens,
      cacheReadTokens: MOCK.usage.prompt_tokens_details.cached_tokens,
      reasoningTokens: MOCK.usage.completion_tokens_details.reasoning_tokens,
    };
    for (const r of [plan, answer]) {
      expect(r.usage).toEqual({ ...perCall, aggregate: false });
      expect(r.llm).toMatchObject({ provider: "openai", requestModel: MOCK.chatModel, responseModel: MOCK.responseModel });
    }
    expect(root.usage).toEqual({
      inputTokens: 2 * perCall.inputTokens,
      outputTokens: 2 * perCall.outputTokens,
      totalTokens: 2 * perCall.totalTokens,
      cacheReadTokens: 2 * perCall.cacheReadTokens,
      reasoningTokens: 2 * perCall.reasoningTokens,
      aggregate: true,
    });
    const sentTool = (mock.requests[1]!.body.messages as Array<{ role: string; content?: string }>).find((m) => m.role === "tool")!;
    expect(tool.tool).toEqual({ name: MOCK.tool.name, callId: MOCK.tool.callId, arguments: JSON.parse(MOCK.tool.arguments), result: JSON.parse(sentTool.content!) });
    expect(root.agent?.name).toBe(APP.functionId);
  });
});
