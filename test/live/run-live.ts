/**
 * Jest side of the live end-to-end tests: runs one `test/live/children/<name>.mjs` in a child
 * process (the instrumentation patches modules process-wide, see children/live-harness.mjs) and
 * returns the canonical records each scenario produced.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CanonicalSpan, ChatMessage } from "../../src/model/record";
import type { MockRequest } from "../helpers/mock-llm";

const CHILDREN = join(__dirname, "children");
const REPO_ROOT = join(__dirname, "..", "..");
/** A child that runs longer is killed: the whole run normally takes about a second. */
const CHILD_TIMEOUT_MS = 90_000;

export interface LiveResult {
  /** The child's own scenario inputs (session ids, tags, function id…). */
  meta: { functionId?: string; sessionId?: string; userId?: string; tags?: string[]; environment?: string };
  scenarios: Record<string, CanonicalSpan[]>;
  /** What the mock received during each scenario, oldest first. */
  requests: Record<string, MockRequest[]>;
  /** `processor.stats()` at the end of the run. */
  stats: { received: number; converted: number; dropped: Record<string, number> };
  /** The log-record companion's stats (children that register one). */
  logStats?: { accepted: number; taken: number; dropped: Record<string, number> };
  stderr: string;
}

/** How long a suite waits for its child: above CHILD_TIMEOUT_MS, so a hung child fails with its stderr. */
const SUITE_SETUP_TIMEOUT_MS = 120_000;

/**
 * Runs `children/<name>.mjs` once for the calling suite (in its `beforeAll`) and returns the
 * object its result is copied into: the tests read it after `beforeAll` has filled it.
 */
export function liveChild(name: string): LiveResult {
  const live = {} as LiveResult;
  beforeAll(async () => {
    Object.assign(live, await runLiveChild(name));
  }, SUITE_SETUP_TIMEOUT_MS);
  return live;
}

/** Runs `children/<name>.mjs` and returns its records; rejects with the child's stderr when it fails. */
export function runLiveChild(name: string): Promise<LiveResult> {
  const dir = mkdtempSync(join(tmpdir(), "canonspan-live-"));
  const out = join(dir, "records.json");
  return new Promise<LiveResult>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--require", join(CHILDREN, "ts-hook.cjs"), join(CHILDREN, `${name}.mjs`), out],
      {
        cwd: REPO_ROOT,
        timeout: CHILD_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
        // No real network: the instrumentations only talk to the loopback mock.
        env: { ...process.env, OTEL_LOG_LEVEL: "error", OPENAI_API_KEY: "sk-mock-not-a-secret", NO_COLOR: "1" },
      },
      (error, _stdout, stderr) => {
        try {
          if (error) return reject(new Error(`live child ${name} failed (${error.message}):\n${stderr}`));
          const parsed = JSON.parse(readFileSync(out, "utf8")) as Omit<LiveResult, "stderr">;
          resolve({ ...parsed, stderr });
        } catch (e) {
          reject(e);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}

/** The records of one scenario in the order their spans ended, failing clearly when the scenario is missing. */
export function scenario(result: LiveResult, name: string): CanonicalSpan[] {
  const records = result.scenarios[name];
  if (!records) throw new Error(`no scenario ${name} in the live result (have ${Object.keys(result.scenarios).join(", ")})`);
  return [...records].sort((a, b) => (a.sequenceId ?? 0) - (b.sequenceId ?? 0));
}

/** The body of the `index`-th request the mock received during a scenario. */
export function requestBody(result: LiveResult, name: string, index = 0): Record<string, unknown> {
  const req = result.requests[name]?.[index];
  if (!req) throw new Error(`scenario ${name} sent no request #${index}`);
  return req.body;
}

/** Plain-text chat messages as sent to the API (`{role, content: string}`), in canonical form. */
export function canonicalTextMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages)) throw new Error("request has no messages array");
  return messages.map((m: { role: string; content: string }) => ({ role: m.role, parts: [{ type: "text", content: m.content }] }) as ChatMessage);
}

/** The one record named `name` among `records`. */
export function byName(records: readonly CanonicalSpan[], name: string): CanonicalSpan {
  const found = records.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one record named ${name}, found ${found.length} in [${records.map((r) => r.name).join(", ")}]`);
  return found[0]!;
}

/** The usage every chat completion of the mock reports, in canonical form (inclusive counts). */
export function mockChatUsage(MOCK: { usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } }) {
  return { inputTokens: MOCK.usage.prompt_tokens, outputTokens: MOCK.usage.completion_tokens, totalTokens: MOCK.usage.total_tokens };
}
