/**
 * examples/nodesdk: `CanonicalSpanProcessor` and its log-record companion registered in the
 * OpenTelemetry NodeSDK, run as a child process on the built package against a loopback mock.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK, startMockLlm, type MockLlm } from "../helpers/mock-llm";
import { expectValidRecord } from "../helpers/schema";
import { exampleEnv, EXAMPLES, readJsonl, requireBuilt, runNode, tempDir, type ChildResult } from "./run-example";

let dir: string;
let mock: MockLlm;
let run: ChildResult;
let records: CanonicalSpan[];

beforeAll(async () => {
  requireBuilt();
  dir = tempDir();
  mock = await startMockLlm();
  const out = join(dir, "spans.jsonl");
  run = await runNode([join(EXAMPLES, "nodesdk", "app.mjs"), "--out", out], { env: exampleEnv({ OPENAI_BASE_URL: mock.baseURL }) });
  records = readJsonl(out);
}, 90_000);

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/nodesdk", () => {
  it("runs to completion and prints the tree and the model's answer", () => {
    expect(run).toMatchObject({ code: 0, signal: null, timedOut: false });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`model says: ${MOCK.text}`);
    expect(run.stdout).toMatch(new RegExp(`^LLM chat ${MOCK.chatModel} .*model ${MOCK.responseModel}`, "m"));
    expect(mock.requests.map((r) => r.path)).toEqual(["/v1/chat/completions"]);
  });

  it("writes the model call as an LLM record with the SDK's resource", () => {
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expectValidRecord(r);
    expect(r).toMatchObject({ type: "LLM", kind: "CLIENT", conventions: ["gen_ai"] });
    expect(r.resource.attributes["service.name"]).toBe("nodesdk-example");
    expect(r.llm).toMatchObject({ provider: "openai", requestModel: MOCK.chatModel, responseModel: MOCK.responseModel, finishReasons: [MOCK.finishReason] });
    expect(r.usage).toEqual({
      inputTokens: MOCK.usage.prompt_tokens,
      outputTokens: MOCK.usage.completion_tokens,
      totalTokens: MOCK.usage.total_tokens,
      aggregate: false,
    });
  });

  // NodeSDK.shutdown() shuts the tracer and logger providers down at the same time
  // (Promise.all): the companion keeps serving take() after its shutdown so records converted
  // in the final flush still get their messages.
  it("carries the prompt and the answer from the instrumentation's log records", () => {
    const r = records[0]!;
    expect(r.llm?.inputMessages).toEqual([
      { role: "system", parts: [{ type: "text", content: (mock.requests[0]!.body.messages as Array<{ content: string }>)[0]!.content }] },
      { role: "user", parts: [{ type: "text", content: (mock.requests[0]!.body.messages as Array<{ content: string }>)[1]!.content }] },
    ]);
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason }]);
  });
});
