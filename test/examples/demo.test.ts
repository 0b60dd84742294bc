/**
 * `npm run demo` (examples/demo/demo.mjs) run as a child process on the built package: console
 * trees, a complete JSONL file at the default path, the summary line, exit code 0 — on its own,
 * with no API key and no network (it starts its own mock server on 127.0.0.1).
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { summarize, summaryLine } from "../../src/cli/summary";
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK } from "../helpers/mock-llm";
import { expectValidRecord } from "../helpers/schema";
import { exampleEnv, EXAMPLES, readJsonl, requireBuilt, runNode, tempDir, type ChildResult } from "./run-example";

const DEMO = join(EXAMPLES, "demo", "demo.mjs");
/** The demo's default output, relative to its working directory. */
const DEFAULT_OUT = join(".canonspan", "demo", "spans.jsonl");

let cwd: string;
let run: ChildResult;
let records: CanonicalSpan[];

beforeAll(async () => {
  requireBuilt();
  cwd = tempDir("canonspan-demo-");
  run = await runNode([DEMO], { cwd, env: exampleEnv() });
  const file = join(cwd, DEFAULT_OUT);
  records = existsSync(file) ? readJsonl(file) : [];
}, 90_000);

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const byType = (type: string) => records.filter((r) => r.type === type);

describe("npm run demo", () => {
  it("ends on its own with exit code 0 and no error output", () => {
    expect(run).toMatchObject({ code: 0, signal: null, timedOut: false });
    expect(run.stderr).toBe("");
  });

  it("prints one tree per trace even though stdout is not a terminal, without colours", () => {
    expect(run.stdout).not.toMatch(/\x1b\[/);
    expect(run.stdout.match(/^trace [0-9a-f]{32} /gm)).toHaveLength(2);
    expect(run.stdout).toMatch(/^AGENT invoke_agent weather-agent /m);
    expect(run.stdout).toMatch(new RegExp(`^[├└]─ TOOL execute_tool ${MOCK.tool.name} `, "m"));
    expect(run.stdout).toMatch(new RegExp(`^[├└]─ LLM chat ${MOCK.chatModel} .*model ${MOCK.responseModel}`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^[├└]─ LLM chat ${MOCK.failModel} .*ERROR`, "m"));
  });

  it("writes every record, schema-valid, to the default JSONL file it names", () => {
    expect(run.stdout).toContain(`written to ${DEFAULT_OUT}`);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expectValidRecord(r);
    expect(run.stdout).toContain(`${records.length} canonical records`);
  });

  it("ends with the one-line summary of exactly the records in the file", () => {
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe(`Summary: ${summaryLine(summarize(records))}`);
    // 4 successful calls + 1 failing, and the failing call and its agent run are the errors.
    expect(summarize(records)).toMatchObject({ spans: records.length, traces: 2, errors: 2 });
  });

  it("records the plain, streamed and tool calls with messages from the instrumentation's log records", () => {
    const calls = byType("LLM").filter((r) => r.status.code !== "ERROR");
    expect(calls).toHaveLength(4);
    for (const r of calls) {
      expect(r.llm).toMatchObject({ provider: "openai", requestModel: MOCK.chatModel, responseModel: MOCK.responseModel });
      expect(r.usage).toEqual({
        inputTokens: MOCK.usage.prompt_tokens,
        outputTokens: MOCK.usage.completion_tokens,
        totalTokens: MOCK.usage.total_tokens,
        aggregate: false,
      });
      expect(r.llm?.inputMessages?.length).toBeGreaterThan(0);
      expect(r.sources["llm.outputMessages"]).toBe("log:gen_ai.choice");
    }
    const texts = calls.map((r) => r.llm?.outputMessages?.[0]?.parts[0]);
    expect(texts).toContainEqual({ type: "text", content: MOCK.text });
    expect(texts).toContainEqual({ type: "text", content: MOCK.streamChunks.join("") });
    expect(texts).toContainEqual({ type: "text", content: MOCK.toolFollowUpText });
    expect(calls.flatMap((r) => r.llm?.toolCalls ?? [])).toEqual([
      { id: MOCK.tool.callId, name: MOCK.tool.name, arguments: JSON.parse(MOCK.tool.arguments) },
    ]);
  });

  it("records the tool the agent ran in its own execute_tool span, under the invoke_agent root", () => {
    const [tool] = byType("TOOL");
    expect(byType("TOOL")).toHaveLength(1);
    expect(tool!.tool).toMatchObject({ name: MOCK.tool.name, callId: MOCK.tool.callId, type: "function", arguments: JSON.parse(MOCK.tool.arguments) });
    expect(tool!.tool?.result).toMatchObject(JSON.parse(MOCK.tool.arguments));
    const root = records.find((r) => r.spanId === tool!.parentId);
    expect(root).toMatchObject({ type: "AGENT", parentId: null, agent: { name: "weather-agent" } });
  });

  it("marks the agent's roll-up usage aggregate, equal to the sum of its calls", () => {
    const agents = byType("AGENT");
    expect(agents).toHaveLength(2);
    const ok = agents.find((a) => a.status.code !== "ERROR")!;
    const children = records.filter((r) => r.traceId === ok.traceId && r.usage && !r.usage.aggregate);
    expect(ok.usage?.aggregate).toBe(true);
    expect(ok.usage?.inputTokens).toBe(children.reduce((n, r) => n + (r.usage?.inputTokens ?? 0), 0));
    expect(ok.usage?.outputTokens).toBe(children.reduce((n, r) => n + (r.usage?.outputTokens ?? 0), 0));
  });

  it("records the failing call (HTTP 500) and its agent run as errors", () => {
    const failed = records.filter((r) => r.status.code === "ERROR");
    expect(failed.map((r) => r.type).sort()).toEqual(["AGENT", "LLM"]);
    const call = failed.find((r) => r.type === "LLM")!;
    expect(call.llm?.requestModel).toBe(MOCK.failModel);
    expect(call.status.message).toContain(MOCK.error.body.error.message);
    expect(failed.find((r) => r.type === "AGENT")!.spanId).toBe(call.parentId);
  });

  it("replaces its default file on a second run instead of appending", async () => {
    const again = await runNode([DEMO], { cwd, env: exampleEnv() });
    expect(again.code).toBe(0);
    const second = readJsonl(join(cwd, DEFAULT_OUT));
    expect(second).toHaveLength(records.length);
    expect(new Set(second.map((r) => r.traceId))).not.toEqual(new Set(records.map((r) => r.traceId)));
  }, 90_000);

  it("writes to --out when given", async () => {
    const out = join(cwd, "custom", "demo.jsonl");
    const r = await runNode([DEMO, "--out", out], { cwd, env: exampleEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`written to ${join("custom", "demo.jsonl")}`);
    expect(readJsonl(out)).toHaveLength(records.length);
  }, 90_000);
});
