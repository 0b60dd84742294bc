/**
 * FileSink lifecycle in child processes (RELIABILITY.md B2, B5): kill -9 mid-write, then a
 * new sink repairs the file; process.exit() right after writeSync keeps the records; an idle
 * sink never keeps the process alive.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { FileSink } from "../../src/sinks/file-sink";
import { indices, readLines, records, tempDir } from "./fixtures/file-helpers";

const CHILD = path.join(__dirname, "fixtures", "file-sink-child.cjs");
jest.setTimeout(120_000);

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, "spans.jsonl");
});
afterEach(() => cleanup());

function recordsFile(n: number, pad: number): string {
  const f = path.join(dir, `records-${n}-${pad}.json`);
  fs.writeFileSync(f, JSON.stringify(records(n, pad)));
  return f;
}

type Run = { child: ChildProcess; out: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

function start(scenario: string, recs: string, prefix: string[] = [process.execPath]): Run {
  const [cmd, ...pre] = prefix as [string, ...string[]];
  const child = spawn(cmd, [...pre, CHILD, scenario, file, recs], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal });
    }),
  );
  return { child, out: () => out, exited };
}

/** `start` run by bash under `ulimit -f <kib>` (bash counts 1024-byte blocks; Node ignores SIGXFSZ). */
function startUnderLimit(scenario: string, recs: string, kib: number): ReturnType<typeof start> {
  const cmd = `ulimit -f ${kib}; exec "$0" "$@"`;
  return start(scenario, recs, ["/bin/bash", "-c", cmd, process.execPath]);
}

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("FileSink across process death", () => {
  it("kill -9 while writing: lines already written are whole, and a new sink appends cleanly (B5)", async () => {
    const recs = recordsFile(64, 16 * 1024);
    for (let trial = 0; trial < 5; trial++) {
      fs.rmSync(file, { force: true });
      const run = start("loop", recs);
      await waitFor(() => run.out().includes("ready") || run.child.exitCode !== null, 30_000);
      expect(run.out()).toContain("ready");
      await new Promise((r) => setTimeout(r, 50 + trial * 60));
      run.child.kill("SIGKILL");
      expect((await run.exited).signal).toBe("SIGKILL");
      // At most the final line may be torn (one batch is one write(2)).
      const before = fs.readFileSync(file, "utf8").split("\n");
      const tail = before.pop()!;
      for (const line of before) expect(() => JSON.parse(line)).not.toThrow();
      const sink = new FileSink({ path: file, maxFileBytes: Infinity });
      expect(sink.stats().repairs).toBe(tail === "" ? 0 : 1);
      sink.writeSync(records(1, 0, 1000));
      const lines = readLines(file); // throws unless the file ends with a newline
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(lines).toHaveLength(before.length + 1);
      expect(JSON.parse(lines.at(-1)!).extras["app.i"]).toBe(1000);
      await sink.shutdown();
    }
  });

  const hasBash = fs.existsSync("/bin/bash");
  (hasBash ? it : it.skip)("a torn line from a real short write (ulimit -f, EFBIG) then kill -9 is repaired at the next start", async () => {
    const recs = recordsFile(20, 3000);
    const run = startUnderLimit("efbig", recs, 100); // 100 KiB file size limit
    await waitFor(() => run.out().includes("}\n") || run.child.exitCode !== null, 30_000);
    expect(JSON.parse(run.out().trim())).toMatchObject({ ok: false, reason: "efbig" });
    run.child.kill("SIGKILL");
    await run.exited;
    const raw = fs.readFileSync(file);
    expect(raw.length).toBe(100 * 1024);
    expect(raw[raw.length - 1]).not.toBe(0x0a); // the limit cut a line
    const sink = new FileSink({ path: file });
    expect(sink.stats().repairs).toBe(1);
    sink.writeSync(records(1, 0, 1000));
    const got = indices(file); // every line parses
    expect(got.at(-1)).toBe(1000);
    expect(got.slice(0, -1).every((i, k) => i === k % 20)).toBe(true);
    await sink.shutdown();
  });

  it("process.exit() right after writeSync leaves every record on disk (B2)", async () => {
    const run = start("exit-sync", recordsFile(500, 100));
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(indices(file)).toEqual([...Array(500).keys()]);
  });

  it("writeSync at exit while an async write is pending: the synchronous part is complete, lines whole", async () => {
    const run = start("exit-mixed", recordsFile(400, 100));
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const got = indices(file); // every line parses
    for (let i = 200; i < 400; i++) expect(got).toContain(i);
    expect(new Set(got).size).toBe(got.length);
  });

  it.each(["idle", "idle-fail"])("never keeps the process alive (%s)", async (scenario) => {
    const run = start(scenario, recordsFile(5, 0));
    const { code } = await run.exited;
    expect(code).toBe(0);
    const result = JSON.parse(run.out().trim().split("\n").at(-1)!);
    if (scenario === "idle") expect(result).toEqual({ ok: true });
    else expect(result).toMatchObject({ ok: false, dropped: 5 });
  });
});
