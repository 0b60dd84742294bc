/**
 * The messages between the processor (app thread) and its offload worker, and the layout of
 * the memory they share. Everything here crosses threads by structured clone: plain data only.
 *
 * App thread → worker (batches on the batch port, pulled one at a time after a `batches`
 * doorbell; everything else on the worker's `parentPort`, handled in order):
 * - `batch`: span snapshots to convert (or records the app thread converted while the worker
 *   was behind) and deliver; the worker answers `ack` once converted
 *   (records in its sink lanes) and `written` once every lane settled them;
 * - `flush`: answered `flushed` when everything before it is delivered and the sinks flushed;
 * - `shutdown`: close the lanes, shut the sinks down, answer `closed`;
 * - `sequences`: (`offload: "auto"`, before any batch) the app thread's `sequenceId` counters;
 * - `exit`: the app thread is inside its `exit` event, blocked on the shared memory: write what
 *   is left (the sinks' `writeSync` where lanes are still busy), put an {@link ExitReport} on
 *   the exit port and raise {@link SHARED_EXIT_DONE}.
 * Worker → app thread: `ready` (once, when its sinks are built), `ack`, `written`, `flushed`,
 * `closed`, and `diag` (the worker's diagnostics, re-emitted through the app's `diag`).
 */
import type { SinkWorkerSpec } from "../../sinks/sink";
import type { ProcessorSettings } from "../options";
import type { SequenceState } from "../rollout";
import type { ProcessorStats } from "../stats";
import type { BatchEntry, ResourceSnapshot } from "./snapshot";

/** Pipeline options that travel to the worker (the rest — filter, logRecords, mask — stays or disables offload). */
export interface WorkerPipelineOptions {
  maxStringLength?: number;
  maxRecordLength?: number;
  redact?: boolean;
  captureContent?: boolean;
  maskTimeoutMs?: number;
  rolloutId?: string;
  attemptId?: string;
}

/** `workerData` of the offload worker. */
export interface WorkerInit {
  sinks: SinkWorkerSpec[];
  pipeline: WorkerPipelineOptions;
  settings: ProcessorSettings;
  /** {@link SHARED_BYTES} bytes, laid out as the `SHARED_*` indices say. */
  shared: SharedArrayBuffer;
  /** Transferred; the app thread reads it synchronously (`receiveMessageOnPort`) at exit. */
  exitPort: import("node:worker_threads").MessagePort;
  /**
   * Transferred; carries the {@link BatchMessage}s. The worker pulls them one at a time
   * (`receiveMessageOnPort`) as it is ready for the next, so batches waiting for it stay
   * serialized outside its heap instead of being copied by every young-generation GC.
   */
  batchPort: import("node:worker_threads").MessagePort;
}

/** Size of the shared memory. */
export const SHARED_BYTES = 32;
/** Int32 index: the highest batch number whose records every lane settled. */
export const SHARED_WRITTEN_BATCH = 0;
/** Int32 index: set to 1 (and notified) when the worker finished its `exit` work. */
export const SHARED_EXIT_DONE = 1;
/** Int32 index: the highest batch number the worker converted (notified): the app thread's synchronous wait when the worker is far behind. */
export const SHARED_CONVERTED_BATCH = 2;
/** Int32 indices in use. */
export const SHARED_INTS = 3;
/** Byte offset of a BigInt64: spans in the batches up to {@link SHARED_WRITTEN_BATCH}. */
export const SHARED_WRITTEN_SPANS_OFFSET = 16;

export interface BatchMessage {
  t: "batch";
  /** 1, 2, 3… in posting order. */
  n: number;
  /** Resources first seen in this batch, by id. */
  resources?: Array<[number, ResourceSnapshot]>;
  /** Span snapshots to convert, or records the app thread converted (see {@link BatchEntry}). */
  spans: BatchEntry[];
}
export interface FlushMessage {
  t: "flush";
  id: number;
  /** The last batch posted before the flush: the worker flushes once it converted it. */
  batch: number;
}
export interface ShutdownMessage {
  t: "shutdown";
  /** Drop reason for what the lanes still hold (the processor's flush already ran). */
  reason: string;
  timeoutMs: number;
}
export interface ExitMessage {
  t: "exit";
  /** How long the worker may wait for writes in flight before it writes the rest synchronously. */
  timeoutMs: number;
}
/** Batches are waiting on the batch port (a doorbell: the batches themselves travel there). */
export interface BatchesMessage {
  t: "batches";
}
/** Before any batch of an `offload: "auto"` processor: the app thread's counters, which the worker numbers on from. */
export interface SequencesMessage {
  t: "sequences";
  state: SequenceState;
}
export type ToWorker = BatchesMessage | FlushMessage | ShutdownMessage | ExitMessage | SequencesMessage;

/** The worker's `sequenceId` counters, cheaply: enough to stay strictly increasing after a crash. */
export interface SequenceMark {
  process: number;
  global: number;
}

export interface AckMessage {
  t: "ack";
  n: number;
  seq: SequenceMark;
  stats: ProcessorStats;
}
export interface WrittenMessage {
  t: "written";
  n: number;
  stats: ProcessorStats;
}
export interface FlushedMessage {
  t: "flushed";
  id: number;
  stats: ProcessorStats;
}
export interface ClosedMessage {
  t: "closed";
  stats: ProcessorStats;
}
export interface DiagMessage {
  t: "diag";
  level: "error" | "warn" | "info";
  args: string[];
}
/** The worker built its sinks and takes batches. */
export interface ReadyMessage {
  t: "ready";
}
export type FromWorker = AckMessage | WrittenMessage | FlushedMessage | ClosedMessage | DiagMessage | ReadyMessage;

/** What the worker leaves on the exit port before raising {@link SHARED_EXIT_DONE}. */
export interface ExitReport {
  sequences: SequenceState;
  stats: ProcessorStats;
}
