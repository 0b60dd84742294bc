/**
 * `offload: true` end to end, against the BUILT package (the worker entry exists only in dist/;
 * CI runs `npm run build` first), each scenario in a child process (fixtures/offload-app.cjs).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CanonicalSpan } from "../../src/model/record";
import type { ProcessorStats } from "../../src/processor/stats";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURE = path.join(__dirname, "fixtures", "offload-app.cjs");
/** A child still running after this long is killed (a hang fails the test, a slow machine does not). */
const CHILD_TIMEOUT_MS = 90_000;
jest.setTimeout(2 * CHILD_TIMEOUT_MS);

let base: string;
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, "dist", "worker.cjs"))) throw new Error("dist/worker.cjs is missing: run `npm run build` before the offload tests");
  base = fs.mkdtempSync(path.join(os.tmpdir(), "canonspan-offload-"));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
  /** The `RESULT <json>` lines, parsed. */
  results: Array<Record<string, unknown>>;
}

function run(mode: string): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(base, `${mode}-`));
  return new Promise((resolve) => {
    execFile(process.execPath, [FIXTURE, mode, dir], { cwd: ROOT, timeout: CHILD_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : null) : 0;
      const results = stdout
        .split("\n")
        .filter((l) => l.startsWith("RESULT "))
        .map((l) => JSON.parse(l.slice("RESULT ".length)) as Record<string, unknown>);
      resolve({ code, stdout, stderr, dir, results });
    });
  });
}

function records(file: string): CanonicalSpan[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CanonicalSpan);
}

const statsOf = (r: Record<string, unknown> | undefined): ProcessorStats => r?.stats as ProcessorStats;
/** `s-<i>` spans end in order: their sequence ids must be 1, 2, 3… in that order. */
const expectSequenced = (recs: CanonicalSpan[], n: number): void => {
  expect(recs).toHaveLength(n);
  expect(new Set(recs.map((r) => r.spanId)).size).toBe(n);
  const bySeq = [...recs].sort((a, b) => (a.sequenceId ?? 0) - (b.sequenceId ?? 0));
  expect(bySeq.map((r) => r.sequenceId)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(bySeq.map((r) => r.name)).toEqual(Array.from({ length: n }, (_, i) => `s-${i}`));
};

describe("offload: records equal those of in-thread processing", () => {
  it.each(["default", "genai", "overload", "tight", "auto"])("%s options", async (variant) => {
    const r = await run(`compare-${variant}`);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const inThread = records(path.join(r.dir, "in.jsonl"));
    const offloaded = records(path.join(r.dir, "off.jsonl"));
    expect(inThread.length).toBeGreaterThan(100);
    expect(offloaded).toEqual(inThread); // same ids, same sequence ids, same derived fields, same order
    expect(fs.readFileSync(path.join(r.dir, "off.jsonl"), "utf8")).toBe(fs.readFileSync(path.join(r.dir, "in.jsonl"), "utf8"));
    const stats = statsOf(r.results[0]);
    expect(stats.offload).toMatchObject({ state: "running", workerErrors: 0 });
    // A worker that falls behind gets help from the app thread, with nothing lost on the way.
    if (variant === "overload") expect(stats.offload?.convertedHere).toBeGreaterThan(0);
    if (variant === "tight") expect(stats.offload?.convertedHere).toBe(0); // the queue is below the sharing threshold: waiting, not sharing
    // The default ("auto") processed the first spans in-thread, then moved to the worker: one file, in order, numbered on.
    if (variant === "auto") expect(r.results[0]?.early).toBe("standby");
    expect(Object.keys(stats.dropped).filter((k) => k !== "filtered")).toEqual([]);
    expect(stats.exported.file).toBe(inThread.length);
    expect(r.results[0]?.warnings).toEqual([]);
    // The facts only the app thread knows made it across.
    expect(inThread.some((x) => x.sources["rolloutId"] === "context:withRollout")).toBe(true);
    if (variant !== "genai") {
      expect(inThread.some((x) => JSON.stringify(x.llm ?? {}).includes("log message"))).toBe(true);
      expect(stats.redaction?.secretsRedacted).toBeGreaterThan(0);
    } else {
      expect(inThread.some((x) => x.extras["canonspan.original_parent_id"] !== undefined)).toBe(true);
      expect(stats.dropped.filtered).toBeGreaterThan(0);
    }
  });
});

describe("offload: OTLP spans equal those of in-thread processing", () => {
  it("with the app thread encoding a share of the spans as OTLP/JSON text, numbered by the worker", async () => {
    const r = await run("compare-otlp");
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const result = r.results[0]!;
    const inThread = result.inThread as { digests: string[]; seq: number[]; bytes: number };
    expect(inThread.digests.length).toBe(800);
    expect(inThread.bytes).toBeGreaterThan(10_000_000); // the large spans that make the worker fall behind
    expect(result.offloaded).toEqual(inThread); // same spans, same attributes, same sequence ids, same order
    // Numbered per rollout attempt; none kept the 16-digit placeholder of the app thread's share.
    expect(inThread.seq.every((n) => Number.isInteger(n) && n >= 1 && n <= 800)).toBe(true);
    expect(result.resources).toBe(1);
    const stats = statsOf(result);
    expect(stats.offload).toMatchObject({ state: "running", workerErrors: 0 });
    expect(stats.offload?.convertedHere).toBeGreaterThan(0);
    expect(stats.dropped).toEqual({});
    expect(stats.exported.otlp).toBe(inThread.digests.length);
    expect(result.warnings).toEqual([]);
  });
});

describe("offload: delivery and lifecycle", () => {
  it("forceFlush delivers everything received before it", async () => {
    const r = await run("flush");
    expect(r.code).toBe(0);
    expect(r.results[0]).toMatchObject({ lines: 2000 });
    const stats = statsOf(r.results[0]);
    expect(stats).toMatchObject({ received: 2000, converted: 2000, exported: { file: 2000 }, dropped: {}, queueLength: 0, backlog: { file: 0 } });
    expect(statsOf(r.results[1]).offload).toMatchObject({ state: "closed", workerErrors: 0 });
    expectSequenced(records(path.join(r.dir, "flush.jsonl")), 2000);
  });

  it("process.exit() right after span.end() leaves every record, batches in the worker included", async () => {
    const r = await run("exit");
    expect(r.code).toBe(0);
    expectSequenced(records(path.join(r.dir, "exit.jsonl")), 1500);
  });

  it("process.exit() while an un-awaited shutdown runs still leaves every record, once", async () => {
    const r = await run("shutdown-exit");
    expect(r.code).toBe(0);
    expectSequenced(records(path.join(r.dir, "shutdown-exit.jsonl")), 1500);
  });

  it("process.exit() before anything was posted: the app thread writes it", async () => {
    const r = await run("exit-now");
    expect(r.code).toBe(0);
    expectSequenced(records(path.join(r.dir, "exit-now.jsonl")), 3);
  });

  it("the process ends by itself, records written", async () => {
    const r = await run("natural");
    expect(r.code).toBe(0); // a hang would be killed: code null
    expect(r.results).toEqual([{ lines: 50 }]);
  });

  it('"auto": a quiet process never starts the worker, and ends by itself', async () => {
    const r = await run("auto-quiet");
    expect(r.code).toBe(0);
    expect(r.results[0]?.lines).toBe(50);
    expect(statsOf(r.results[0]).offload).toEqual({ state: "standby", workerErrors: 0, convertedHere: 0 });
  });

  it('"auto": process.exit() after the move leaves every record, numbered across it', async () => {
    const r = await run("auto-exit");
    expect(r.code).toBe(0);
    const result = r.results[0] as { moved: string; total: number };
    expect(result.moved).toBe("running");
    expectSequenced(records(path.join(r.dir, "auto-exit.jsonl")), result.total);
  });

  it("a console sink writes from the worker to the process's stdout", async () => {
    const r = await run("console");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.map((l) => (JSON.parse(l) as CanonicalSpan).name)).toEqual(Array.from({ length: 30 }, (_, i) => `s-${i}`));
    expect(statsOf(r.results[0])).toMatchObject({ exported: { console: 30 }, offload: { state: "closed", workerErrors: 0 } });
  });
});

describe("offload: failures", () => {
  it("a worker that cannot build its sinks is counted; the app keeps running in-thread", async () => {
    const r = await run("crash-spec");
    expect(r.code).toBe(0);
    const result = r.results[0]!;
    const stats = statsOf(result);
    expect(result.alive).toBe(true);
    expect(stats.offload).toMatchObject({ state: "failed", workerErrors: 1 });
    const delivered = stats.exported.custom ?? 0;
    expect(delivered).toBeGreaterThanOrEqual(100); // at least everything after the failure
    expect(result.lines).toBe(delivered);
    expect(delivered + (stats.dropped.worker_lost ?? 0)).toBe(600);
    expect(result.warnings).toEqual([expect.stringMatching(/offload worker failed .*FileSink: options.path/)]);
  });

  it("a worker terminated from outside is counted; later spans are written in-thread, sequence ids stay unique", async () => {
    const r = await run("crash-kill");
    expect(r.code).toBe(0);
    const result = r.results[0]!;
    const stats = statsOf(result);
    expect(stats.offload).toMatchObject({ state: "failed", workerErrors: 1 });
    expect(result.warnings).toEqual([expect.stringMatching(/offload worker failed \(exited/)]);
    // Everything before the termination was flushed: nothing was lost.
    expect(stats.dropped.worker_lost).toBeUndefined();
    expect(result.lines).toBe(500);
    expectSequenced(records(path.join(r.dir, "kill.jsonl")), 500);
  });

  it("shutdown resolves within its timeout when the worker's sink never answers; the process still ends", async () => {
    const r = await run("hang");
    expect(r.code).toBe(0); // the worker is terminated: nothing holds the process
    const result = r.results[0]!;
    // Bounded by shutdownTimeoutMillis (1500), not by the sink (no limit) nor forceFlushTimeoutMillis' default.
    expect(result.shutdownMs).toBeLessThan(10_000);
    const stats = statsOf(result);
    expect(stats.offload).toMatchObject({ state: "closed", workerErrors: 0 });
    expect(stats.dropped.shutdown_timeout).toBe(10);
  });

  it("the worker's drops are counted and its warnings reach the app's diag", async () => {
    const r = await run("failing-sink");
    expect(r.code).toBe(0);
    const result = r.results[0]!;
    expect(statsOf(result)).toMatchObject({ received: 5, exported: {}, dropped: { "sink_error:file": 5 }, offload: { state: "running", workerErrors: 0 } });
    expect(result.warnings).toEqual([expect.stringMatching(/dropped 5 span\(s\): sink_error:file/)]);
  });

  it("a sink that cannot be offloaded (MemorySink) falls back with one warning", async () => {
    const r = await run("memory");
    expect(r.code).toBe(0);
    const result = r.results[0]!;
    expect(result.records).toBe(20);
    expect(result.warnings).toEqual([expect.stringContaining('offload: sink "memory" cannot run in a worker thread')]);
    expect(statsOf(result).offload).toBeUndefined();
  });
});
