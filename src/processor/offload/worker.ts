/**
 * The offload worker's entry (built to `dist/worker.{cjs,mjs}`; see protocol.ts for the
 * messages). It rebuilds the sinks from their specs and runs the same `RecordPipeline` as the
 * in-thread processor — conversion, ids and sequence, redaction, one lane per sink — on span
 * snapshots, with the facts the app thread gathered (filter ancestry, `withRollout` ids, log
 * events). Its diagnostics go to the app thread's `diag`.
 */
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import os from "node:os";
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { logger } from "../../internal/diag";
import { withTimeout } from "../../internal/timers";
import { untraced } from "../lane";
import { RecordPipeline } from "../pipeline";
import { NO_FACTS } from "../span-facts";
import type { ProcessorStats } from "../stats";
import {
  SHARED_CONVERTED_BATCH,
  SHARED_EXIT_DONE,
  SHARED_INTS,
  SHARED_WRITTEN_BATCH,
  SHARED_WRITTEN_SPANS_OFFSET,
  type BatchMessage,
  type ExitMessage,
  type ExitReport,
  type FromWorker,
  type ShutdownMessage,
  type ToWorker,
  type WorkerInit,
} from "./protocol";
import { deliverEncoded } from "./share";
import { SnapshotReader } from "./snapshot";
import { buildWorkerSink } from "./worker-sinks";

const port = parentPort;
if (!port) throw new Error("canonspan: the offload worker must run in a worker thread");
const init = workerData as WorkerInit;
const post = (m: FromWorker): void => port.postMessage(m);

function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    return String(v);
  } catch {
    return "[unprintable]";
  }
}

const forward = (level: "error" | "warn" | "info") => (...args: unknown[]): void => post({ t: "diag", level, args: args.map(text) });
const forwarder: DiagLogger = { error: forward("error"), warn: forward("warn"), info: forward("info"), debug: () => undefined, verbose: () => undefined };
diag.setLogger(forwarder, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
const log = logger("offload-worker");

/**
 * Nice value of this thread. On Linux the nice value is per thread: the app's own threads then
 * win the CPU when both want it (a busy worker otherwise slows the app thread on small
 * machines). Elsewhere it is per process, so it is left alone there.
 */
const WORKER_NICE = 10;
if (process.platform === "linux") {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), WORKER_NICE));
  } catch (e) {
    log.debug(`could not lower the worker's priority: ${text(e)}`);
  }
}

// A spec the worker cannot build throws here: the worker fails and the app thread goes in-thread.
const sinks = init.sinks.map(buildWorkerSink);
const pipeline = new RecordPipeline({ ...init.pipeline, sinks }, init.settings);
const reader = new SnapshotReader();
const ints = new Int32Array(init.shared, 0, SHARED_INTS);
const spansWritten = new BigInt64Array(init.shared, SHARED_WRITTEN_SPANS_OFFSET, 1);
let spansReceived = 0;
let writtenBatch = 0;

const stats = (): ProcessorStats => pipeline.snapshot({ length: 0, bytes: 0 });
const settled = (): Promise<unknown> => Promise.all(pipeline.lanes.map((l) => l.whenSettled()));

/**
 * Batches wait on the batch port, serialized outside this heap, until the worker pulls the next
 * one (`receiveMessageOnPort`): one batch per event-loop turn, so the lanes' write completions
 * run in between, and batches not yet converted are never copied by young-generation GCs. The
 * app thread rings the `batches` doorbell after each post and bounds what it posts.
 */
const batchPort = init.batchPort;
let draining = false;
/** The number of the last batch converted, and who waits for a later one. */
let convertedBatch = 0;
let batchWaiters: Array<{ n: number; wake: () => void }> = [];

/** The next batch on the port, if any (a batch that cannot be read is counted and skipped). */
function nextBatch(): BatchMessage | undefined {
  // Bounded, in case a port ever failed to dequeue a message it cannot read.
  for (let attempt = 0; attempt < 16; attempt++) {
    try {
      const got = receiveMessageOnPort(batchPort);
      return got ? (got.message as BatchMessage) : undefined;
    } catch (e) {
      pipeline.stats.drop("convert_error", 1, `offload batch unreadable: ${text(e)}`);
    }
  }
  return undefined;
}

function startDraining(): void {
  if (draining) return;
  draining = true;
  setImmediate(drainOne);
}

function drainOne(): void {
  const m = nextBatch();
  if (m) {
    convertBatch(m);
    setImmediate(drainOne);
    return;
  }
  draining = false;
}

/** Converts every batch still on the port now (the `exit` path). */
function drainAllSync(): void {
  for (let m = nextBatch(); m; m = nextBatch()) convertBatch(m);
}

/** Resolves once batch `n` (and so every batch before it) is converted. */
function whenConverted(n: number): Promise<void> {
  if (convertedBatch >= n) return Promise.resolve();
  const done = new Promise<void>((wake) => batchWaiters.push({ n, wake }));
  startDraining();
  return done;
}

function convertBatch(m: BatchMessage): void {
  // One tracing-suppressed scope per batch, not one per record (the sinks' own I/O makes no spans).
  untraced(() => convertBatchNow(m));
}

function convertBatchNow(m: BatchMessage): void {
  reader.addResources(m.resources);
  for (const s of m.spans) {
    try {
      if ("encoded" in s) {
        deliverEncoded(pipeline, s.encoded);
        continue;
      }
      const bytes = typeof s.bytes === "number" ? s.bytes : 0;
      if ("converted" in s) pipeline.deliver(s.converted, bytes, s.redacted === true);
      else pipeline.build(reader.span(s), s.facts ?? NO_FACTS, bytes);
    } catch (e) {
      pipeline.stats.drop("convert_error", 1, text(e)); // build never throws; a malformed snapshot might
    }
  }
  pipeline.scheduleWrites(); // lanes write full batches by themselves, partial ones after scheduledDelayMillis
  spansReceived += m.spans.length;
  latest = { n: m.n, through: spansReceived, targets: pipeline.lanes.map((l) => l.accepted) };
  post({ t: "ack", n: m.n, seq: pipeline.sequences.issued(), stats: stats() });
  convertedBatch = Math.max(convertedBatch, m.n);
  Atomics.store(ints, SHARED_CONVERTED_BATCH, convertedBatch);
  Atomics.notify(ints, SHARED_CONVERTED_BATCH);
  if (batchWaiters.length > 0) batchWaiters = batchWaiters.filter((w) => (w.n <= convertedBatch ? (w.wake(), false) : true));
  watchWritten();
}

/** The latest batch received, with what every lane had accepted by then. */
let latest = { n: 0, through: 0, targets: [] as number[] };
let watching = false;

/** Publishes (shared memory, `written`) when every lane settled the latest batch; one watch at a time. */
function watchWritten(): void {
  if (watching || latest.n <= writtenBatch) return;
  watching = true;
  const { n, through, targets } = latest;
  void settled().then(() => {
    watching = false;
    // A closed lane releases its waiters without delivering: that is not written (and ends the watch).
    if (pipeline.lanes.some((l, i) => l.settled < targets[i]!)) return;
    writtenBatch = n;
    Atomics.store(spansWritten, 0, BigInt(through));
    Atomics.store(ints, SHARED_WRITTEN_BATCH, n);
    post({ t: "written", n, stats: stats() });
    watchWritten();
  });
}

async function onShutdown(m: ShutdownMessage): Promise<void> {
  // The app thread flushed before (or gave up waiting): what is still unconverted is lost.
  let unconverted = 0;
  for (let b = nextBatch(); b; b = nextBatch()) unconverted += Array.isArray(b.spans) ? b.spans.length : 0;
  if (unconverted > 0) pipeline.stats.drop(m.reason, unconverted);
  pipeline.closeLanes(m.reason);
  // Writes still in flight end with this worker (the app thread terminates it next): shutdownSinks counts them.
  await pipeline.shutdownSinks(m.timeoutMs);
  post({ t: "closed", stats: stats() });
}

/** The app thread is in its `exit` event, waiting on the shared memory: finish, report, raise the flag. */
async function onExit(m: ExitMessage): Promise<void> {
  try {
    drainAllSync();
    pipeline.kickAll();
    await withTimeout(settled(), Math.max(1, m.timeoutMs), () => undefined);
    pipeline.writeSyncAll(); // lanes still busy: their backlog through writeSync where the sink has it
    const report: ExitReport = { sequences: pipeline.sequences.state(), stats: stats() };
    init.exitPort.postMessage(report);
  } finally {
    Atomics.store(ints, SHARED_EXIT_DONE, 1);
    Atomics.notify(ints, SHARED_EXIT_DONE);
  }
}

port.on("message", (m: ToWorker) => {
  try {
    switch (m?.t) {
      case "batches":
        startDraining();
        break;
      case "flush": {
        const id = m.id;
        void whenConverted(typeof m.batch === "number" ? m.batch : 0)
          .then(() => pipeline.flushLanes())
          .then(() => post({ t: "flushed", id, stats: stats() }));
        break;
      }
      case "shutdown":
        void onShutdown(m).catch((e: unknown) => log.debug(`shutdown failed: ${text(e)}`));
        break;
      case "exit":
        void onExit(m).catch((e: unknown) => log.debug(`exit failed: ${text(e)}`));
        break;
      case "sequences": // an "auto" processor numbered spans in-thread before; comes before any batch
        pipeline.sequences.restore(m.state);
        break;
    }
  } catch (e) {
    log.warn(`offload worker: message failed: ${text(e)}`);
  }
});

post({ t: "ready" });
