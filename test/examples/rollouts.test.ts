/**
 * examples/rollouts: Agent Lightning-style attempts run concurrently under `withRollout`; every
 * record carries its rollout and attempt ids and a `sequenceId` strictly increasing within its
 * attempt, in the order the spans ended.
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
const attempts = new Map<string, CanonicalSpan[]>();

beforeAll(async () => {
  requireBuilt();
  dir = tempDir();
  mock = await startMockLlm();
  const out = join(dir, "spans.jsonl");
  run = await runNode([join(EXAMPLES, "rollouts", "app.mjs"), "--out", out], {
    env: exampleEnv({ OPENAI_BASE_URL: mock.baseURL, OPENAI_API_KEY: "sk-mock-not-a-secret" }),
  });
  records = readJsonl(out);
  for (const r of records) {
    const key = `${r.rolloutId}/${r.attemptId}`;
    attempts.set(key, [...(attempts.get(key) ?? []), r]);
  }
}, 90_000);

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/rollouts", () => {
  it("runs to completion", () => {
    expect(run).toMatchObject({ code: 0, signal: null, timedOut: false });
    expect(run.stderr).toBe("");
  });

  it("gives every record the rollout and attempt ids of the withRollout it ran in", () => {
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expectValidRecord(r);
      expect(r.rolloutId).toMatch(/^ro-\d+$/);
      expect(r.attemptId).toMatch(new RegExp(`^${r.rolloutId}-at-\\d+$`));
    }
    expect([...attempts.keys()].sort()).toEqual(["ro-1/ro-1-at-1", "ro-1/ro-1-at-2", "ro-2/ro-2-at-1", "ro-2/ro-2-at-2"]);
    // One trace per attempt: ids follow the context, even with the attempts running concurrently.
    for (const list of attempts.values()) expect(new Set(list.map((r) => r.traceId)).size).toBe(1);
  });

  it("numbers each attempt's records 1, 2, 3, … in the order their spans ended", () => {
    for (const [key, list] of attempts) {
      expect({ key, seq: list.map((r) => r.sequenceId) }).toEqual({ key, seq: list.map((_, i) => i + 1) });
      // The agent ends its model calls, then the reward span, then itself. (Not checked with
      // endTime: span timestamps of different spans may be skewed by a millisecond.)
      expect(list.map((r) => r.type)).toEqual([...list.filter((r) => r.type === "LLM").map(() => "LLM"), "REWARD", "AGENT"]);
    }
  });

  it("records the agent, its model calls (one per step) and the reward of each attempt", () => {
    for (const [key, list] of attempts) {
      const steps = Number(key.split("-at-")[1]);
      expect(list.filter((r) => r.type === "LLM")).toHaveLength(steps);
      expect(list.at(-1)).toMatchObject({ type: "AGENT", parentId: null });
      for (const r of list.slice(0, -1)) expect(r.parentId).toBe(list.at(-1)!.spanId);
      for (const r of list.filter((x) => x.type === "LLM")) expect(r.llm?.responseModel).toBe(MOCK.responseModel);
    }
    expect(mock.requests).toHaveLength(records.filter((r) => r.type === "LLM").length);
  });

  it("prints each attempt's sequence", () => {
    for (const [key, list] of attempts) {
      expect(run.stdout).toContain(`${key}  ${list.map((r) => `${r.sequenceId}:${r.type}`).join(" ")}`);
    }
  });
});
