// One measured pipeline in a fresh process. argv: <pipeline> <spans> [receiverPort]
// Prints one JSON line: onEnd mean/p99.9/max (µs), pipeline µs/span (event-loop active time
// over the run minus the app's own span code, measured separately), and heap per queued span.
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { performance, PerformanceObserver } from "node:perf_hooks";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runWorkload } from "./workload.mjs";

const [pipeline, spansArg, port] = process.argv.slice(2);
const SPANS = Number(spansArg);
const RUNS = Math.ceil(SPANS / 8);
const CHUNK = 25; // agent runs (200 spans) per event-loop turn, like a busy app
const dir = mkdtempSync(join(tmpdir(), "canonspan-bench-"));
const url = `http://127.0.0.1:${port}/v1/traces`;

/** Spans the stock pipelines handed to their exporter (the BSP drops the rest when its queue is full). */
let exportedByBsp = 0;
function counted(exporter) {
  const orig = exporter.export.bind(exporter);
  exporter.export = (spans, cb) => {
    exportedByBsp += spans.length;
    return orig(spans, cb);
  };
  return exporter;
}

async function makeProcessor(kind) {
  const cs = await import("../dist/index.mjs");
  const fileSink = () => new cs.FileSink({ path: join(dir, "spans.jsonl"), maxFileBytes: 256 * 1024 * 1024, maxFiles: 1 });
  switch (kind) {
    case "none":
      return undefined;
    case "bsp-noop":
      return new BatchSpanProcessor({ export: (_s, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} });
    case "bsp-otlp": { // the PERFORMANCE.md anchor: the stock exporter as configured by default (JSON, no compression)
      const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
      return new BatchSpanProcessor(counted(new OTLPTraceExporter({ url })));
    }
    case "bsp-otlp-gzip": {
      const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
      return new BatchSpanProcessor(counted(new OTLPTraceExporter({ url, compression: "gzip" })));
    }
    // The default (offload "auto"): in-thread until busy, then the worker. Warmed up until it moved
    // (as every pipeline is warmed up before it is measured); canonspan-file-move starts from the
    // other pipelines' short warm-up, so the rest of the JIT warm-up, the worker's start-up and
    // the move fall inside its run.
    case "canonspan-file":
    case "canonspan-file-move":
      return new cs.CanonicalSpanProcessor({ sinks: [fileSink()], exitHooks: false });
    case "canonspan-otlp":
      return new cs.CanonicalSpanProcessor({ sinks: [new cs.OtlpSink({ url })], exitHooks: false });
    case "canonspan-file-inthread":
      return new cs.CanonicalSpanProcessor({ sinks: [fileSink()], exitHooks: false, offload: false });
    case "canonspan-otlp-inthread":
      return new cs.CanonicalSpanProcessor({ sinks: [new cs.OtlpSink({ url })], exitHooks: false, offload: false });
    default:
      throw new Error(`unknown pipeline ${kind}`);
  }
}

/** Start time, duration (ms) and main-thread run-queue wait (ms, see below) of the onEnd calls over 1 ms; bounded. */
const slow = [];
const SLOW_MAX = 10_000;

/**
 * Time the main thread spent runnable but not running (Linux schedstat, ns): on 2 cores a V8
 * compiler or GC helper thread, the libuv pool or a worker can take the CPU from the app thread
 * mid-call. Read at each turn and after each slow call, so a slow call is attributed to the
 * scheduler when the thread waited at least half its duration since the last read. `undefined`
 * where the file does not exist.
 */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
function runQueueWaitMs() {
  try {
    return Number(readFileSync(SCHEDSTAT, "latin1").split(" ")[1]) / 1e6;
  } catch {
    return undefined;
  }
}
let waitMark = runQueueWaitMs();

/** Wraps onEnd to time every call (the same wrapper for every pipeline, so ratios are fair). */
function timeOnEnd(processor, samples) {
  const orig = processor.onEnd.bind(processor);
  let i = 0;
  processor.onEnd = (span) => {
    const t0 = performance.now();
    orig(span);
    const d = performance.now() - t0;
    if (i < samples.length) samples[i++] = d;
    if (d > 1 && slow.length < SLOW_MAX) {
      const w = runQueueWaitMs();
      slow.push([t0, d, w === undefined || waitMark === undefined ? 0 : w - waitMark]);
      waitMark = w;
    }
  };
  return () => i;
}

/**
 * GC pauses of the run (PerformanceObserver "gc" entries, same clock as performance.now()): a
 * young-generation pause lands in whatever code allocates when the nursery is full — the app's
 * or, rarely, an onEnd — so the slow calls are reported with how many a GC pause overlapped.
 */
const gcPauses = [];
function keepPauses(entries) {
  for (const e of entries) if (e.duration >= 0.5 && gcPauses.length < SLOW_MAX) gcPauses.push([e.startTime, e.duration]);
}
const gcObserver = new PerformanceObserver((list) => keepPauses(list.getEntries()));
gcObserver.observe({ entryTypes: ["gc"] });

const processor = await makeProcessor(pipeline);
const samples = new Float64Array(SPANS + 8);
const count = processor ? timeOnEnd(processor, samples) : () => 0;
const provider = new BasicTracerProvider({ spanProcessors: processor ? [processor] : [] });
const tracer = provider.getTracer("bench");

// Warm-up outside the measurement. performance.now() itself first: its own optimization
// (about 1 ms, measured with --single-threaded --trace-opt) would otherwise land in a timed call.
for (let k = 0; k < 200_000; k++) performance.now();
runWorkload(tracer, 50);
// The defaults move to the worker once busy: a one-time cost, warmed up like the JIT (bounded),
// except for canonspan-file-move, which measures it.
const standby = () => processor?.stats?.().offload?.state === "standby";
for (let k = 0; pipeline !== "canonspan-file-move" && standby() && k < 200; k++) {
  runWorkload(tracer, CHUNK);
  await new Promise((resolve) => setImmediate(resolve));
}
await provider.forceFlush();
samples.fill(0);
const reset = count();
slow.length = 0;

const elu0 = performance.eventLoopUtilization();
const t0 = performance.now();
// Where the second half of the run begins (its share of the active time: growth with volume).
let half;
for (let r = 0; r < RUNS; r += CHUNK) {
  waitMark = runQueueWaitMs();
  runWorkload(tracer, Math.min(CHUNK, RUNS - r), r);
  await new Promise((resolve) => setImmediate(resolve));
  if (half === undefined && r + CHUNK >= RUNS / 2) half = { runs: r + CHUNK, active: performance.eventLoopUtilization(elu0).active };
}
await provider.forceFlush();
const elu = performance.eventLoopUtilization(elu0);
const wall = performance.now() - t0;

const n = count() - reset;
const timed = Array.from(samples.subarray(reset, reset + n)).sort((a, b) => a - b);
const mean = timed.reduce((a, b) => a + b, 0) / Math.max(1, timed.length);
const pct = (p) => timed[Math.min(timed.length - 1, Math.floor(p * timed.length))] ?? 0;
const spansDone = RUNS * 8;
let slowEnds = 0;
for (const x of timed) if (x > 1) slowEnds++;
keepPauses(gcObserver.takeRecords()); // entries not delivered to the callback yet
gcObserver.disconnect();
const inGc = ([t, d]) => gcPauses.some(([gt, gd]) => gt < t + d && gt + gd > t);
const slowEndsInGc = slow.filter(inGc).length;
const slowEndsPreempted = slow.filter((x) => !inGc(x) && x[2] >= x[1] / 2).length;

// Heap per queued span: a processor that never exports in the window, N spans queued.
let heapPerSpan;
if (global.gc && (pipeline === "bsp-noop" || pipeline.startsWith("canonspan"))) {
  const N = 16000; // large enough that fixed allocations (a timer, a tick) do not count per span
  const hold = pipeline === "bsp-noop"
    ? new BatchSpanProcessor({ export: (_s, cb) => cb({ code: 0 }), shutdown: async () => {} }, { maxQueueSize: 100_000, maxExportBatchSize: 100_000, scheduledDelayMillis: 3_600_000 })
    : new (await import("../dist/index.mjs")).CanonicalSpanProcessor({ sinks: [], scheduledDelayMillis: 3_600_000, maxExportBatchSize: 100_000, maxQueueSize: 100_000, exitHooks: false });
  const p2 = new BasicTracerProvider({ spanProcessors: [hold] });
  global.gc(); global.gc();
  const before = process.memoryUsage().heapUsed;
  runWorkload(p2.getTracer("heap"), N / 8);
  global.gc(); global.gc();
  heapPerSpan = (process.memoryUsage().heapUsed - before) / N;
}

// Spans each pipeline dropped (a dropped span costs nothing, so figures with drops flatter it).
const stats = typeof processor?.stats === "function" ? processor.stats() : undefined;
const dropped = stats ? stats.dropped : pipeline.startsWith("bsp-otlp") ? { bsp_queue_full: spansDone + 400 - exportedByBsp } : {};
await provider.shutdown();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({
  pipeline, spans: spansDone, wallMs: wall, activeMs: elu.active,
  activeUsPerSpan: (elu.active * 1000) / spansDone,
  // µs/span of each half (the second half includes the final flush).
  halvesUsPerSpan: half ? [(half.active * 1000) / (half.runs * 8), ((elu.active - half.active) * 1000) / (spansDone - half.runs * 8)] : undefined,
  onEndMeanUs: mean * 1000, onEndP999Us: pct(0.999) * 1000, onEndMaxUs: (timed.at(-1) ?? 0) * 1000, endsOver1ms: slowEnds, endsOver1msInGc: slowEndsInGc, endsOver1msPreempted: slowEndsPreempted,
  heapPerQueuedSpan: heapPerSpan, dropped, convertedHere: stats?.offload?.convertedHere ?? 0, offloadState: stats?.offload?.state,
}) + "\n");
process.exit(0);
