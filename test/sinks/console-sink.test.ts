import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { toWellFormed } from "../../src/read/strings";
import { ConsoleSink } from "../../src/sinks/console-sink";
import { makeSpan } from "../helpers/spans";

const TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACE_B = "0af7651916cd43dd8448eb211c80319c";
const BASE = Date.UTC(2025, 0, 2, 3, 4, 5);
const SGR = /\x1b\[[0-9;]*m/;

function iso(ms: number): string {
  return new Date(BASE + ms).toISOString().slice(0, -1) + "000Z";
}
function id(n: number): string {
  return n.toString(16).padStart(16, "0");
}
/** A real converted record with the tree-relevant fields set directly. */
function rec(trace: string, n: number, parent: number | null, fields: Partial<CanonicalSpan> = {}): CanonicalSpan {
  const r = toCanonicalSpan(makeSpan({ name: fields.name ?? `span-${n}` }));
  return Object.assign(r, {
    traceId: trace,
    spanId: id(n),
    parentId: parent === null ? null : id(parent),
    startTime: iso(n),
    endTime: iso(n + 10),
    durationMs: 10,
    type: "OTHER",
    status: { code: "UNSET" },
    ...fields,
  } satisfies Partial<CanonicalSpan>);
}

/** Collects what the sink writes, as bytes. */
class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  isTTY?: boolean;
  constructor(isTTY = false) {
    super();
    if (isTTY) this.isTTY = true;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(chunk);
    cb();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  text(): string {
    return this.bytes().toString("utf8");
  }
}

/**
 * Asserts on the raw bytes: no C0 control but the newline separator, no DEL, no C1 (UTF-8
 * C2 80–C2 9F), no ESC, no bidi/line-separator code points, no replaced lone surrogate.
 */
function expectTerminalSafeBytes(buf: Buffer, allowReplacementChar = false): void {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0x0a) continue;
    if (b < 0x20 || b === 0x7f) throw new Error(`raw control byte 0x${b.toString(16)} at ${i}`);
    if (b === 0xc2 && buf[i + 1]! >= 0x80 && buf[i + 1]! <= 0x9f) throw new Error(`raw C1 control at ${i}`);
  }
  const text = buf.toString("utf8");
  expect(Buffer.from(text, "utf8").equals(buf)).toBe(true); // valid UTF-8
  for (const cp of [0x061c, 0x200b, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069, 0xfeff]) {
    expect(text.includes(String.fromCharCode(cp))).toBe(false);
  }
  // The tree shows lone surrogates as `\ud800`; JSON lines carry them as U+FFFD (shared encoder).
  if (!allowReplacementChar) expect(text.includes("\ufffd")).toBe(false);
}

const HOSTILE = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\x1b]8;;http://evil\x1b\\x\r\n\t\x00\x7f\x9b31m\u202eabc\u2066\u2028\u2029\udfff\ud800";

const ENV_KEYS = ["NO_COLOR", "FORCE_COLOR", "TERM"] as const;
let savedEnv: Record<string, string | undefined>;
beforeEach(() => {
  // jest-worker sets FORCE_COLOR in workers: every test starts from a clean colour environment.
  savedEnv = {};
  for (const k of ENV_KEYS) {
    savedEnv[k] = process.env[k];
    delete process.env[k];
  }
});
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  jest.useRealTimers();
});

describe("ConsoleSink defaults and options", () => {
  it("uses tree style and colours on a TTY, JSON without colours elsewhere", () => {
    const tty = new ConsoleSink({ stream: new Capture(true) });
    expect([tty.style, tty.colors]).toEqual(["tree", true]);
    const pipe = new ConsoleSink({ stream: new Capture(false) });
    expect([pipe.style, pipe.colors]).toEqual(["json", false]);
    expect(new ConsoleSink({ stream: new Capture(false), style: "tree" }).style).toBe("tree");
  });

  it("honours NO_COLOR and FORCE_COLOR, and the colors option over both", () => {
    process.env.NO_COLOR = "1";
    expect(new ConsoleSink({ stream: new Capture(true) }).colors).toBe(false);
    process.env.FORCE_COLOR = "1"; // FORCE_COLOR wins over NO_COLOR
    expect(new ConsoleSink({ stream: new Capture(false) }).colors).toBe(true);
    process.env.FORCE_COLOR = "0";
    expect(new ConsoleSink({ stream: new Capture(true) }).colors).toBe(false);
    expect(new ConsoleSink({ stream: new Capture(true), colors: true }).colors).toBe(true);
  });

  it("rejects invalid options at construction", () => {
    expect(() => new ConsoleSink({ stream: new Capture(), maxPendingTraces: 0 })).toThrow(RangeError);
    expect(() => new ConsoleSink({ stream: new Capture(), pendingTraceTimeoutMs: 1.5 })).toThrow(RangeError);
    expect(() => new ConsoleSink({ stream: new Capture(), style: "yaml" as "json" })).toThrow(TypeError);
  });
});

describe("ConsoleSink tree style", () => {
  function agentTrace(trace: string): CanonicalSpan[] {
    return [
      rec(trace, 2, 1, { type: "LLM", name: "chat", llm: { model: "gpt-4o" }, usage: { inputTokens: 12, outputTokens: 3, aggregate: false } }),
      rec(trace, 3, 1, { type: "TOOL", name: "execute_tool", tool: { name: "search" }, status: { code: "ERROR" }, error: { message: "boom" } }),
      rec(trace, 1, null, { type: "AGENT", name: "invoke_agent", endTime: iso(100), durationMs: 99 }),
    ];
  }

  it("prints nothing until the root ends, then the whole trace as one tree", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree" });
    const [llm, tool, root] = agentTrace(TRACE_A);
    expect(await sink.write([llm!, tool!])).toEqual({ ok: true });
    expect(out.text()).toBe("");
    expect(sink.stats().pendingSpans).toBe(2);
    expect(await sink.write([root!])).toEqual({ ok: true });
    expect(out.text().split("\n")).toEqual([
      `trace ${TRACE_A}  3 spans  99.0 ms`,
      `AGENT invoke_agent  99.0 ms  ${id(1)}`,
      `├─ LLM chat  10.0 ms  model gpt-4o  tokens 12 in / 3 out  ${id(2)}`,
      `└─ TOOL execute_tool  10.0 ms  tool search  ERROR boom  ${id(3)}`,
      "",
    ]);
    expect(sink.stats()).toMatchObject({ written: 3, tracesPrinted: 1, pendingSpans: 0 });
  });

  it("keeps interleaved traces apart", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree" });
    const a = agentTrace(TRACE_A);
    const b = agentTrace(TRACE_B);
    await sink.write([a[0]!, b[0]!, b[1]!, a[1]!, b[2]!]);
    expect(out.text()).toContain(`trace ${TRACE_B}  3 spans`);
    expect(out.text()).not.toContain(TRACE_A);
    await sink.write([a[2]!]);
    const text = out.text();
    expect(text.indexOf(TRACE_A)).toBeGreaterThan(text.indexOf(TRACE_B));
    expect(text.match(/^trace /gm)).toHaveLength(2);
  });

  it("treats a SERVER span under a remote parent as the local root; other orphans wait", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree" });
    await sink.write([rec(TRACE_A, 2, 9, { kind: "CLIENT", name: "remote-child" })]);
    expect(out.text()).toBe("");
    await sink.write([rec(TRACE_B, 3, 4, { name: "handler" }), rec(TRACE_B, 4, 9, { kind: "SERVER", name: "GET /chat" })]);
    const text = out.text();
    expect(text).toContain(`OTHER GET /chat  10.0 ms  ${id(4)} (parent ${id(9)} not shown)`);
    expect(text).toContain(`└─ OTHER handler`);
    expect(text).not.toContain("remote-child");
  });

  it("prints a trace whose root never ends after pendingTraceTimeoutMs without new spans, marked incomplete", async () => {
    jest.useFakeTimers({ now: BASE });
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree", pendingTraceTimeoutMs: 30_000 });
    const [llm, tool] = agentTrace(TRACE_A);
    await sink.write([llm!]);
    await jest.advanceTimersByTimeAsync(20_000);
    await sink.write([tool!]); // activity: the deadline moves to 50 s
    await jest.advanceTimersByTimeAsync(29_000);
    expect(out.text()).toBe("");
    await jest.advanceTimersByTimeAsync(1_000);
    const lines = out.text().split("\n");
    expect(lines[0]).toBe(`trace ${TRACE_A}  2 spans  11.0 ms  [incomplete: root span not ended before the pending-trace timeout]`);
    expect(lines.filter((l) => l.includes(`(parent ${id(1)} not shown)`))).toHaveLength(2);
    expect(sink.stats()).toMatchObject({ tracesPrinted: 1, pendingSpans: 0, incomplete: { timeout: 1 } });
  });

  it("does not keep the process alive while a trace is pending", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree", pendingTraceTimeoutMs: 50 });
    const span = rec(TRACE_A, 2, 1);
    const spy = jest.spyOn(global, "setTimeout");
    try {
      await sink.write([span]);
      expect(spy).toHaveBeenCalledTimes(1); // the sweep timer…
      const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false); // …is unref'd
    } finally {
      spy.mockRestore();
    }
    while (out.text() === "") await new Promise((r) => setTimeout(r, 20));
    expect(out.text()).toContain("[incomplete:");
  });

  it("prints pending traces at forceFlush and shutdown; later writes report shutdown", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree" });
    await sink.write([rec(TRACE_A, 2, 1)]);
    await sink.forceFlush();
    expect(out.text()).toContain(`trace ${TRACE_A}  1 span  10.0 ms  [incomplete: root span not ended at flush]`);
    await sink.write([rec(TRACE_B, 3, 1)]);
    await sink.shutdown();
    await sink.shutdown(); // idempotent
    expect(out.text()).toContain(`trace ${TRACE_B}`);
    expect(await sink.write([rec(TRACE_B, 5, null)])).toEqual({ ok: false, dropped: 1, reason: "shutdown" });
    expect(sink.stats().incomplete.flush).toBe(2);
    expect(out.writableEnded).toBe(false); // the stream is not ours to close
  });

  it("bounds pending traces, spans per trace and spans in all, printing early", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree", maxPendingTraces: 2, maxSpansPerTrace: 3, maxPendingSpans: 4 });
    const t = (k: number): string => k.toString(16).padStart(32, "0");
    await sink.write([rec(t(1), 2, 1), rec(t(2), 2, 1)]);
    expect(out.text()).toBe("");
    await sink.write([rec(t(3), 2, 1)]); // third trace: the least recently active (t1) prints
    expect(out.text()).toContain(`trace ${t(1)}  1 span  10.0 ms  [incomplete: too many pending traces]`);
    await sink.write([rec(t(3), 3, 1), rec(t(3), 4, 1)]); // third span of t3
    expect(out.text()).toContain(`trace ${t(3)}  3 spans  12.0 ms  [incomplete: too many spans in this trace]`);
    await sink.write([rec(t(2), 3, 1), rec(t(4), 2, 1), rec(t(4), 3, 1)]); // 4 pending, then a 5th
    expect(sink.stats().pendingSpans).toBeLessThanOrEqual(4);
    expect(sink.stats().incomplete).toEqual({ timeout: 0, flush: 0, traceLimit: 1, spanLimit: 1, pendingLimit: 0 });
    await sink.write([rec(t(4), 4, 1), rec(t(4), 5, 1)]);
    expect(sink.stats().incomplete.pendingLimit + sink.stats().incomplete.spanLimit).toBeGreaterThanOrEqual(2);
    expect(sink.stats().pendingSpans).toBeLessThanOrEqual(4);
  });

  it("never lets hostile span data reach the terminal raw, one line per span", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "tree", colors: false });
    const child = rec(TRACE_A, 2, 1, { name: HOSTILE, type: "LLM", llm: { model: HOSTILE }, tool: { name: HOSTILE } });
    const root = rec(TRACE_A, 1, null, {
      name: HOSTILE,
      status: { code: "ERROR", message: HOSTILE },
      error: { message: HOSTILE, type: "\x1b[31m" },
      spanId: id(1),
    });
    await sink.write([child, root]);
    const buf = out.bytes();
    expectTerminalSafeBytes(buf);
    expect(buf.toString("utf8").split("\n")).toHaveLength(4); // header, 2 spans, ""
    expect(buf.toString("utf8")).toContain("\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07");
    expect(buf.toString("utf8")).toContain("\\u202eabc\\u2066\\u2028\\u2029\\udfff\\ud800");
  });

  it("colours only when enabled, and only with its own SGR codes", async () => {
    const plain = new Capture();
    await new ConsoleSink({ stream: plain, style: "tree" }).write(agentTrace(TRACE_A));
    expect(plain.text()).not.toContain("\x1b");

    process.env.FORCE_COLOR = "1";
    const forced = new Capture();
    await new ConsoleSink({ stream: forced, style: "tree" }).write(agentTrace(TRACE_A));
    expect(forced.text()).toMatch(SGR);
    expect(forced.text()).toContain("\x1b[1;31mERROR\x1b[0m");
    expect(forced.text().replace(/\x1b\[[0-9;]*m/g, "")).toBe(plain.text());

    delete process.env.FORCE_COLOR;
    process.env.NO_COLOR = "1";
    const tty = new Capture(true);
    await new ConsoleSink({ stream: tty }).write(agentTrace(TRACE_A));
    expect(tty.text()).toContain("AGENT invoke_agent");
    expect(tty.text()).not.toContain("\x1b");
  });
});

describe("ConsoleSink json style", () => {
  it("writes one parseable JSON line per span, equal to the record", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "json", colors: true });
    const records = [rec(TRACE_A, 2, 1, { type: "LLM" }), rec(TRACE_A, 1, null, { name: "root é 😀" })];
    expect(await sink.write(records)).toEqual({ ok: true });
    const lines = out.text().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(records)));
    expect(out.text()).not.toMatch(SGR); // JSON is never painted
  });

  it("escapes hostile text so the bytes are terminal-safe and the JSON still equal", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "json" });
    const r = rec(TRACE_A, 1, null, { name: HOSTILE + "\u200b\u061c\ufeff", metadata: { [HOSTILE]: HOSTILE } });
    await sink.write([r]);
    expectTerminalSafeBytes(out.bytes(), true);
    expect(out.text()).toContain("\\u202e");
    expect(out.text().split("\n")).toHaveLength(2);
    const parsed = JSON.parse(out.text()) as CanonicalSpan;
    expect(parsed.name).toBe(toWellFormed(r.name)); // the shared encoder replaces lone surrogates
    expect(Object.keys(parsed.metadata)).toHaveLength(1);
  });

  it("still writes one line for a record JSON.stringify cannot handle, without throwing", async () => {
    const out = new Capture();
    const sink = new ConsoleSink({ stream: out, style: "json" });
    const bad = rec(TRACE_A, 1, null) as CanonicalSpan & { self?: unknown };
    bad.self = bad;
    const good = rec(TRACE_A, 2, null);
    expect(await sink.write([bad, good])).toEqual({ ok: true });
    const lines = out.text().split("\n");
    expect(lines).toHaveLength(3);
    expect((JSON.parse(lines[0]!) as { spanId: string; self: unknown }).self).toBe("[Circular]");
    expect((JSON.parse(lines[1]!) as { spanId: string }).spanId).toBe(id(2));
  });
});

describe("ConsoleSink stream failures", () => {
  class EpipeStream extends Writable {
    override _write(_chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
      cb(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    }
  }
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

  it("disables itself quietly on EPIPE and reports later writes as disabled", async () => {
    const stream = new EpipeStream();
    const sink = new ConsoleSink({ stream, style: "tree" });
    await sink.write([rec(TRACE_B, 3, 1)]); // buffered, not written
    await sink.write([rec(TRACE_A, 2, 1), rec(TRACE_A, 3, 1), rec(TRACE_A, 1, null)]); // one tree, one write
    await tick();
    expect(stream.listenerCount("error")).toBe(0); // our once-listener took the error
    const stats = sink.stats();
    expect(stats.disabled).toBe(true);
    expect(stats.dropped.disabled).toBe(1); // the buffered trace can no longer be shown
    expect(await sink.write([rec(TRACE_A, 5, null)])).toEqual({ ok: false, dropped: 1, reason: "disabled" });
    await sink.forceFlush();
    await sink.shutdown();
  });

  it("never throws when the stream's write throws synchronously", async () => {
    const stream = new Writable({ write: (_c, _e, cb) => cb() });
    stream.write = () => {
      throw new Error("boom");
    };
    const sink = new ConsoleSink({ stream, style: "json" });
    await expect(sink.write([rec(TRACE_A, 1, null)])).resolves.toEqual({ ok: false, dropped: 1, reason: "disabled" });
  });

  it("treats a destroyed stream as closed", async () => {
    const stream = new Capture();
    stream.destroy();
    const sink = new ConsoleSink({ stream, style: "json" });
    expect(await sink.write([rec(TRACE_A, 1, null)])).toEqual({ ok: false, dropped: 1, reason: "disabled" });
  });

  it("removes its error listener at shutdown", async () => {
    const stream = new Capture();
    const sink = new ConsoleSink({ stream, style: "json" });
    await sink.write([rec(TRACE_A, 1, null)]);
    expect(stream.listenerCount("error")).toBe(1);
    await sink.shutdown();
    expect(stream.listenerCount("error")).toBe(0);
  });

  it("waits a bounded time for a stalled stream, then drops output past the undrained cap", async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] }); // streams need ticks
    let release: (() => void) | undefined;
    const stream = new Writable({
      write(_chunk, _enc, cb) {
        release = () => cb();
      },
    });
    const sink = new ConsoleSink({ stream, style: "json" });
    const big = rec(TRACE_A, 1, null, { name: "x".repeat(5 * 1024 * 1024) });
    const first = sink.write([big]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await first).toEqual({ ok: true });
    expect(await sink.write([rec(TRACE_A, 2, null)])).toEqual({ ok: false, dropped: 1, reason: "backpressure" });
    release!();
    await new Promise((r) => setImmediate(r)); // lets the stream emit 'drain'
    const third = sink.write([rec(TRACE_A, 3, null)]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await third).toEqual({ ok: true });
    expect(sink.stats().dropped.backpressure).toBe(1);
  });
});

describe("ConsoleSink EPIPE in a real pipe (child process)", () => {
  let dir: string;
  let bundle: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "canonspan-console-"));
    const entry = join(dir, "child.ts");
    writeFileSync(
      entry,
      `import { ConsoleSink } from ${JSON.stringify(resolve(__dirname, "../../src/sinks/console-sink"))};
const mode = process.argv[2];
const record = (i: number) => ({ schema: "canonspan/v1", traceId: "${TRACE_A}", spanId: i.toString(16).padStart(16, "0"),
  parentId: null, name: "span " + i + " " + "x".repeat(200), kind: "INTERNAL", type: "OTHER", status: { code: "UNSET" },
  startTime: "2025-01-01T00:00:00.000000Z", endTime: "2025-01-01T00:00:00.001000Z", durationMs: 1, tags: [], metadata: {},
  extras: {}, events: [], links: [], resource: { attributes: {} }, scope: { name: "s" }, conventions: [], sources: {}, dropped: {} });
async function main() {
  const sink = new ConsoleSink({ style: "json" });
  for (let i = 0; i < 3000; i++) {
    if (mode === "raw") process.stdout.write(JSON.stringify(record(i)) + "\\n");
    else await sink.write([record(i) as never]);
    await new Promise((r) => setImmediate(r));
  }
  await sink.shutdown();
  process.stderr.write(JSON.stringify(sink.stats()));
}
main();
`,
    );
    bundle = join(dir, "child.cjs");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require("esbuild") as typeof import("esbuild");
    esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "silent" });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the child with stdout piped to us, closes our end after the first chunk (like `| head -1`). */
  function runClosingEarly(mode: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [bundle, mode], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdout.once("data", () => child.stdout.destroy());
      child.on("close", (code) => done({ code, stderr }));
    });
  }

  it("control: a plain stdout writer crashes on EPIPE", async () => {
    const { code, stderr } = await runClosingEarly("raw");
    expect(code).not.toBe(0);
    expect(stderr).toContain("EPIPE");
  });

  it("the sink disables itself and the app exits normally", async () => {
    const { code, stderr } = await runClosingEarly("sink");
    expect(code).toBe(0);
    const stats = JSON.parse(stderr) as { disabled: boolean; dropped: { disabled: number }; written: number };
    expect(stats.disabled).toBe(true);
    expect(stats.dropped.disabled).toBeGreaterThan(0);
    expect(stats.written + stats.dropped.disabled).toBe(3000);
  });
});
