import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CanonicalSpanProcessor } from "../../src/processor/processor";
import { exitHookState } from "../../src/processor/exit-hooks";
import { RecordingSink } from "./helpers";

const FIXTURE = path.join(__dirname, "fixtures", "exit-app.js");
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "canonspan-exit-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: Array<{ name?: string; seq?: number; app?: string }>;
}

/** Runs the fixture in `mode`; `onReady` runs once it printed "ready" (signal modes). */
function runFixture(mode: string, onReady?: (pid: number, stdout: string) => void): Promise<ChildResult> {
  const out = path.join(dir, `${mode}.jsonl`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, mode, out], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let readySent = false;
    child.stdout.on("data", (d) => {
      stdout += String(d);
      if (!readySent && stdout.includes("ready") && onReady) {
        readySent = true;
        onReady(child.pid!, stdout);
      }
    });
    child.stderr.on("data", (d) => (stderr += String(d)));
    // Generous: a loaded machine must not fail the test; a hang still fails it.
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(killer);
      const text = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
      const lines = text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as ChildResult["lines"][number]);
      resolve({ code, signal, stdout, stderr, lines });
    });
  });
}

describe("exit hooks (child processes)", () => {
  it("process.exit() right after span.end(): records are written through writeSync", async () => {
    const r = await runFixture("exit");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      { name: "exit-0", seq: 1 },
      { name: "exit-1", seq: 2 },
      { name: "exit-2", seq: 3 },
    ]);
  });

  it("process.exit() with a sink that cannot write synchronously: one stderr line tells the loss", async () => {
    const r = await runFixture("exit-nosync");
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([]);
    expect(r.stderr).toBe("canonspan: 3 span record(s) not delivered, or not confirmed, when the process exited (exit_unflushed:file=3)\n");
  });

  it("CanonicalSpanExporter: process.exit() right after export(): the exit hook converts and writes what it was handed", async () => {
    const r = await runFixture("exporter-exit");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      { name: "exporter-exit-0", seq: 1 },
      { name: "exporter-exit-1", seq: 2 },
      { name: "exporter-exit-2", seq: 3 },
    ]);
  });

  it("process.exit() with a write in flight: its records are counted too, not only the backlog", async () => {
    const r = await runFixture("exit-inflight");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("canonspan: 5 span record(s) not delivered, or not confirmed, when the process exited (exit_in_flight:file=2, exit_unflushed:file=3)\n");
  });

  it("process.exit() while an un-awaited shutdown runs: what is queued is still written through writeSync", async () => {
    const r = await runFixture("shutdown-exit");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      { name: "shutdown-exit-0", seq: 1 },
      { name: "shutdown-exit-1", seq: 2 },
      { name: "shutdown-exit-2", seq: 3 },
    ]);
  });

  it("natural exit: the beforeExit flush delivers through the async write path", async () => {
    const r = await runFixture("natural");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.name)).toEqual(["natural-0", "natural-1", "natural-2", "natural-3", "natural-4"]);
    // Once: the sink's async forceFlush must not re-trigger beforeExit flushes forever.
    expect(r.stdout).toContain("flushes 1\n");
  });

  it("natural exit with a sink that never settles: the process still exits (no beforeExit loop)", async () => {
    const r = await runFixture("hang");
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([]);
  });

  it("handleSignals: SIGTERM flushes, then the process still dies by SIGTERM", async () => {
    const r = await runFixture("signal", (pid, stdout) => {
      expect(stdout).toContain("ready 1"); // our one listener
      process.kill(pid, "SIGTERM");
    });
    expect(r.signal).toBe("SIGTERM");
    expect(r.lines.map((l) => l.name)).toEqual(["signal-0", "signal-1", "signal-2", "signal-3"]);
  });

  it("without handleSignals, SIGTERM behaves as Node's default (no listener, nothing flushed)", async () => {
    const r = await runFixture("signal-off", (pid, stdout) => {
      expect(stdout).toContain("ready 0");
      process.kill(pid, "SIGTERM");
    });
    expect(r.signal).toBe("SIGTERM");
    expect(r.lines).toEqual([]);
  });

  it("with an app SIGTERM listener that exits at once, our shutdown under way still leaves every record written", async () => {
    const r = await runFixture("signal-app-sync", (pid) => process.kill(pid, "SIGTERM"));
    expect(r.code).toBe(7);
    expect(r.lines.map((l) => l.name)).toEqual(["signal-app-sync-0", "signal-app-sync-1", "signal-app-sync-2", "signal-app-sync-3"]);
  });

  it("with an app SIGTERM listener, we flush and leave the exit to the app", async () => {
    const r = await runFixture("signal-app", (pid) => process.kill(pid, "SIGTERM"));
    expect(r.signal).toBeNull();
    expect(r.code).toBe(7);
    expect(r.lines.filter((l) => l.name).map((l) => l.name)).toEqual(["signal-app-0", "signal-app-1", "signal-app-2", "signal-app-3"]);
    expect(r.lines).toContainEqual({ app: "handled" });
  });
});

describe("exit hook registration (in process)", () => {
  it("shares one process listener between processors and removes it on shutdown", async () => {
    const before = { exit: process.listenerCount("exit"), beforeExit: process.listenerCount("beforeExit"), term: process.listenerCount("SIGTERM") };
    const processors = Array.from({ length: 20 }, () => new CanonicalSpanProcessor({ sinks: [new RecordingSink()], handleSignals: true }));
    expect(process.listenerCount("exit")).toBe(before.exit + 1);
    expect(process.listenerCount("beforeExit")).toBe(before.beforeExit + 1);
    expect(process.listenerCount("SIGTERM")).toBe(before.term + 1);
    expect(exitHookState()).toEqual({ participants: 20, signals: true });
    await Promise.all(processors.map((p) => p.shutdown()));
    expect(exitHookState()).toEqual({ participants: 0, signals: false });
    expect(process.listenerCount("exit")).toBe(before.exit);
    expect(process.listenerCount("beforeExit")).toBe(before.beforeExit);
    expect(process.listenerCount("SIGTERM")).toBe(before.term);
  });
});
