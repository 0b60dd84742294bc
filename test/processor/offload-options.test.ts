/**
 * `offload: true` from the TypeScript sources (no built worker file): the processor warns once
 * and runs in-thread; and what each built-in sink tells the worker (`workerSpec`).
 */
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { CanonicalSpanProcessor } from "../../src/processor/processor";
import { autoOffload, sharesWhenBehind, workerEntry } from "../../src/processor/offload/start";
import { buildWorkerSink } from "../../src/processor/offload/worker-sinks";
import { getProcessorDefaults, resolveOffload, type CanonicalSpanProcessorOptions } from "../../src/processor/options";
import { RecordPipeline } from "../../src/processor/pipeline";
import { ConsoleSink } from "../../src/sinks/console-sink";
import { FileSink } from "../../src/sinks/file-sink";
import { MemorySink } from "../../src/sinks/memory-sink";
import { OtlpSink } from "../../src/sinks/otlp-sink";
import { providerWith } from "../helpers/spans";

let warnings: string[] = [];
const recorder: DiagLogger = {
  error: (...a: unknown[]) => warnings.push(a.map(String).join(" ")),
  warn: (...a: unknown[]) => warnings.push(a.map(String).join(" ")),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "canonspan-offload-opts-"));
  diag.setLogger(recorder, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
});
afterAll(() => {
  diag.disable();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => (warnings = []));

const offloadWarnings = (): string[] => warnings.filter((w) => w.includes("offload"));

describe("offload fallback to in-thread", () => {
  it("has no worker entry when running from the TypeScript sources", () => {
    expect(workerEntry()).toBeUndefined();
  });

  it("warns once and delivers every record in-thread", async () => {
    const file = path.join(dir, "ts.jsonl");
    const processor = new CanonicalSpanProcessor({ sinks: [new FileSink({ path: file })], offload: true, exitHooks: false });
    const tracer = providerWith([processor]).getTracer("t");
    for (let i = 0; i < 10; i++) tracer.startSpan(`s${i}`).end();
    await processor.forceFlush();
    expect(offloadWarnings()).toHaveLength(1);
    expect(offloadWarnings()[0]).toMatch(/not built/);
    expect(processor.stats().exported).toEqual({ file: 10 });
    expect(processor.stats().offload).toBeUndefined();
    expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(10);
    await processor.shutdown();
  });

  it("names the sink that cannot run in a worker", async () => {
    const processor = new CanonicalSpanProcessor({ sinks: [new FileSink({ path: path.join(dir, "m.jsonl") }), new MemorySink()], offload: true, exitHooks: false });
    expect(offloadWarnings()).toEqual([expect.stringContaining('sink "memory" cannot run in a worker thread')]);
    await processor.shutdown();
  });

  it("refuses a mask function", async () => {
    const processor = new CanonicalSpanProcessor({ sinks: [new FileSink({ path: path.join(dir, "k.jsonl") })], mask: (v) => v, offload: true, exitHooks: false });
    expect(offloadWarnings()).toEqual([expect.stringContaining("mask")]);
    await processor.shutdown();
  });

  it("says nothing without offload", async () => {
    const processor = new CanonicalSpanProcessor({ sinks: [new MemorySink()], exitHooks: false });
    expect(offloadWarnings()).toEqual([]);
    await processor.shutdown();
  });
});

describe('offload "auto" (the default): when it stays in-thread', () => {
  let debug: string[] = [];
  beforeEach(() => {
    debug = [];
    diag.setLogger({ ...recorder, debug: (...a: unknown[]) => debug.push(a.map(String).join(" ")) }, { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true });
  });
  afterEach(() => diag.setLogger(recorder, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }));
  const settings = getProcessorDefaults();
  const autoFor = (options: CanonicalSpanProcessorOptions, cores = 2) => autoOffload(options, settings, new RecordPipeline(options, settings), cores);
  const file = () => new FileSink({ path: path.join(dir, "auto.jsonl") });

  it.each([
    ["a single core", () => ({ sinks: [file()] }), 1, "one core"],
    ["no sinks", () => ({ sinks: [] }), 2, "no sinks"],
    ["a sink a worker cannot run (MemorySink)", () => ({ sinks: [file(), new MemorySink()] }), 2, 'sink "memory" cannot run in a worker thread'],
    ["a console tree (a trace split across threads would print twice)", () => ({ sinks: [new ConsoleSink({ style: "json", stream: process.stderr })] }), 2, 'sink "console" cannot run in a worker thread'],
    ["a mask function", () => ({ sinks: [file()], mask: (v: unknown) => v }), 4, "mask"],
    ["the TypeScript sources (no built worker)", () => ({ sinks: [file(), new OtlpSink({ url: "http://127.0.0.1:1/v1/traces" })] }), 4, "not built"],
  ] as Array<[string, () => CanonicalSpanProcessorOptions, number, string]>)("%s: without a warning", (_what, options, cores, why) => {
    expect(autoFor(options(), cores)).toBeUndefined();
    expect(debug.filter((d) => d.includes("offload"))).toEqual([expect.stringContaining(why)]);
    expect(warnings).toEqual([]);
  });

  it("the processor then has no offload stats, and says nothing", async () => {
    const processor = new CanonicalSpanProcessor({ sinks: [file()], exitHooks: false });
    expect(processor.stats().offload).toBeUndefined();
    expect(warnings).toEqual([]);
    await processor.shutdown();
  });

  it.each([["yes"], [1], [null], ["true"]])("offload: %p is refused at construction", (value) => {
    expect(() => new CanonicalSpanProcessor({ sinks: [new MemorySink()], offload: value as never, exitHooks: false })).toThrow(/option offload must be true, false or "auto"/);
  });
});

describe("workerSpec of the built-in sinks", () => {
  it("FileSink: its resolved options", async () => {
    const sink = new FileSink({ path: path.join(dir, "rel.jsonl"), maxFiles: 2 });
    const spec = sink.workerSpec();
    expect(spec).toEqual({
      kind: "file",
      options: { path: path.join(dir, "rel.jsonl"), maxFileBytes: 64 * 1024 * 1024, maxFiles: 2, mode: 0o600, sync: false, maxLineBytes: 8 * 1024 * 1024, retryIntervalMillis: 1000 },
    });
    expect(() => structuredClone(spec)).not.toThrow();
    await sink.shutdown();
  });

  it("OtlpSink: its options as given, headers included", () => {
    const options = { url: "http://127.0.0.1:4318/v1/traces", headers: { "x-api-key": "secret" }, timeoutMillis: 0 };
    expect(new OtlpSink(options).workerSpec()).toEqual({ kind: "otlp", options });
  });

  it("ConsoleSink: stdout and stderr only", () => {
    const err = new ConsoleSink({ stream: process.stderr, style: "json", colors: false, maxFieldLength: 50 }).workerSpec();
    expect(err).toEqual({
      kind: "console",
      options: { fd: 2, style: "json", colors: false, maxPendingTraces: 1000, maxSpansPerTrace: 1000, maxPendingSpans: 10000, pendingTraceTimeoutMs: 30000, maxFieldLength: 50 },
    });
    expect(new ConsoleSink({ stream: process.stdout, style: "tree" }).workerSpec()?.options).toMatchObject({ fd: 1, style: "tree" });
    expect(new ConsoleSink({ stream: new PassThrough() }).workerSpec()).toBeUndefined();
  });
});

describe("CANONSPAN_OFFLOAD", () => {
  it.each([
    ["true", true],
    ["1", true],
    [" FALSE ", false],
    ["0", false],
    ["auto", "auto"],
    ["", "auto"],
  ] as Array<[string, boolean | "auto"]>)("%p means %p when the option is not given", (raw, mode) => {
    expect(resolveOffload(undefined, { CANONSPAN_OFFLOAD: raw })).toBe(mode);
    expect(warnings).toEqual([]);
  });

  it("an option given wins over the variable", () => {
    expect(resolveOffload(false, { CANONSPAN_OFFLOAD: "true" })).toBe(false);
    expect(resolveOffload("auto", { CANONSPAN_OFFLOAD: "false" })).toBe("auto");
  });

  it("anything else warns once and means auto", () => {
    expect(resolveOffload(undefined, { CANONSPAN_OFFLOAD: "yes-please" })).toBe("auto");
    expect(resolveOffload(undefined, { CANONSPAN_OFFLOAD: "yes-please" })).toBe("auto");
    expect(warnings).toEqual([expect.stringContaining("CANONSPAN_OFFLOAD is invalid")]);
  });

  it("is read by the processor (true: the worker is asked for, and from the sources it cannot start)", async () => {
    const before = process.env.CANONSPAN_OFFLOAD;
    process.env.CANONSPAN_OFFLOAD = "true";
    try {
      const processor = new CanonicalSpanProcessor({ sinks: [new FileSink({ path: path.join(dir, "env.jsonl") })], exitHooks: false });
      expect(offloadWarnings()).toEqual([expect.stringContaining("not built")]);
      await processor.shutdown();
    } finally {
      if (before === undefined) delete process.env.CANONSPAN_OFFLOAD;
      else process.env.CANONSPAN_OFFLOAD = before;
    }
  });
});

describe("the worker's FileSink", () => {
  it("never repairs the file's tail: the app thread's sink opened it first and may be writing a line", async () => {
    const file = path.join(dir, "held.jsonl");
    const partial = '{"a":1}\n{"b":'; // a line the app thread's sink has not finished writing
    fs.writeFileSync(file, partial);
    const worker = buildWorkerSink({ kind: "file", options: { path: file } });
    expect(fs.readFileSync(file, "utf8")).toBe(partial);
    await worker.shutdown();
    // A sink of this thread on another torn file repairs it as usual.
    const other = path.join(dir, "torn.jsonl");
    fs.writeFileSync(other, partial);
    const own = new FileSink({ path: other });
    expect(fs.readFileSync(other, "utf8")).toBe('{"a":1}\n');
    await own.shutdown();
  });
});

describe("sharesWhenBehind: the app thread converts a share only where cores are left for it", () => {
  it("shares from 3 cores up, waits for the worker on 1 or 2", () => {
    expect([1, 2, 3, 4, 64].map((cores) => sharesWhenBehind({}, cores))).toEqual([false, false, true, true, true]);
  });

  it("CANONSPAN_OFFLOAD_SHARE decides instead; anything else leaves the default", () => {
    expect(sharesWhenBehind({ CANONSPAN_OFFLOAD_SHARE: "1" }, 2)).toBe(true);
    expect(sharesWhenBehind({ CANONSPAN_OFFLOAD_SHARE: " true " }, 2)).toBe(true);
    expect(sharesWhenBehind({ CANONSPAN_OFFLOAD_SHARE: "0" }, 8)).toBe(false);
    expect(sharesWhenBehind({ CANONSPAN_OFFLOAD_SHARE: "false" }, 8)).toBe(false);
    expect(sharesWhenBehind({ CANONSPAN_OFFLOAD_SHARE: "maybe" }, 8)).toBe(true);
  });
});
