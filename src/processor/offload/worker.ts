/**
 * The offload worker's entry (built to `dist/worker.{cjs,mjs}`; see protocol.ts for the
 * messages). It rebuilds the sinks from their specs and runs the same `RecordPipeline` as the
 * in-thread processor — conversion, ids and sequence, redaction, one lane per sink — on span
 * snapshots, with the facts the app thread gathered (filter ancestry, `withRollout` ids, log
 * events). Its diagnostics go to the app thread's `diag`.
 */
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { logger } from "../../internal/diag";
import { withTimeout } from "../../internal/timers";
import { RecordPipeline } from "../pipeline";
import { Fifo } from "../queue";
import { NO_FACTS } from "../span-facts";
import type { ProcessorStats } from "../stats";
import {
  SHARED_EXIT_DONE,
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
const ints = new Int32Array(init.shared, 0, 2);
const spansWritten = new BigInt64Array(init.shared, SHARED_WRITTEN_SPANS_OFFSET, 1);
let spansReceived = 0;
let writtenBatch = 0;

// The app thread posts at every event-loop turn; the lanes write full batches by themselves, and
// partial ones after `scheduledDelayMillis`, as the in-thread processor's export runs would.
let kickTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleKick(): void {
  if (kickTimer !== undefined || pipeline.lanes.every((l) => l.pending === 0)) return;
  kickTimer = setTimeout(() => {
    kickTimer = undefined;
    pipeline.kickAll();
  }, init.settings.scheduledDelayMillis);
}

const stats = (): ProcessorStats => pipeline.snapshot({ length: 0, bytes: 0 });
const settled = (): Promise<unknown> => Promise.all(pipeline.lanes.map((l) => l.whenSettled()));

/**
 * Batches received and not converted yet. One batch is converted per event-loop turn: the port
 * delivers queued messages back to back, and converting them all at once would starve the
 * lanes' write completions until their backlogs overflow. The app thread bounds what it posts
 * and waits for `ack`s, so this holds at most its in-flight bound.
 */
const inbox = new Fifo<BatchMessage>();
let draining = false;
const idleWaiters: Array<() => void> = [];

function onBatch(m: BatchMessage): void {
  inbox.push(m);
  if (draining) return;
  draining = true;
  setImmediate(drainOne);
}

function drainOne(): void {
  const m = inbox.shift();
  if (m) convertBatch(m);
  if (inbox.length > 0) {
    setImmediate(drainOne);
    return;
  }
  draining = false;
  for (const wake of idleWaiters.splice(0)) wake();
}

/** Converts every batch still in the inbox now (the `exit` path). */
function drainAllSync(): void {
  for (let m = inbox.shift(); m; m = inbox.shift()) convertBatch(m);
}

/** Resolves once every batch received so far is converted. */
function whenDrained(): Promise<void> {
  if (inbox.length === 0) return Promise.resolve();
  return new Promise((resolve) => idleWaiters.push(resolve));
}

function convertBatch(m: BatchMessage): void {
  reader.addResources(m.resources);
  for (const s of m.spans) {
    try {
      const bytes = typeof s.bytes === "number" ? s.bytes : 0;
      if ("converted" in s) pipeline.deliver(s.converted, bytes);
      else pipeline.build(reader.span(s), s.facts ?? NO_FACTS, bytes);
    } catch (e) {
      pipeline.stats.drop("convert_error", 1, text(e)); // build never throws; a malformed snapshot might
    }
  }
  scheduleKick();
  spansReceived += m.spans.length;
  latest = { n: m.n, through: spansReceived, targets: pipeline.lanes.map((l) => l.accepted) };
  post({ t: "ack", n: m.n, spans: spansReceived, seq: pipeline.sequences.issued(), stats: stats() });
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
  for (let b = inbox.shift(); b; b = inbox.shift()) unconverted += b.spans.length;
  if (unconverted > 0) pipeline.stats.drop(m.reason, unconverted);
  pipeline.closeLanes(m.reason);
  await pipeline.shutdownSinks(m.timeoutMs);
  // Writes still in flight end with this worker (the app thread terminates it next): count them.
  for (const lane of pipeline.lanes) if (lane.pending > 0) pipeline.stats.drop(m.reason, lane.pending);
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
      case "batch":
        onBatch(m);
        break;
      case "flush": {
        const id = m.id;
        void whenDrained()
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
    }
  } catch (e) {
    log.warn(`offload worker: message failed: ${text(e)}`);
  }
});
