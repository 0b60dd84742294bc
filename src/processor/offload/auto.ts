/**
 * `offload: "auto"` (the default): the processor starts in-thread and moves its work to a worker
 * thread (offload/host.ts) only once the app ends spans fast enough for the worker to pay off.
 *
 * A short script, a CLI or a quiet service never pays for a worker (about 20 MB of memory and
 * ~0.1 s of CPU to start it); a busy service gets its conversion, redaction, serialization and
 * sink I/O off the app thread. The move happens once:
 * 1. past {@link BUSY_SPANS} spans within {@link BUSY_WINDOW_MS}, the worker starts; spans are
 *    still processed here while it loads, so the app never waits for a worker that is starting;
 * 2. once the worker is ready, between two spans of an export run, the in-thread lanes write
 *    what they hold (bounded by {@link HANDOVER_WAIT_MS}), so a file's lines keep their order;
 * 3. the worker numbers on from this thread's `sequenceId` counters, and takes every later span,
 *    as with `offload: true`.
 * If the worker cannot start or fails, the processor stays in-thread (one diag warning), for good.
 */
import { performance } from "node:perf_hooks";
import { withTimeout } from "../../internal/timers";
import type { RecordEngine, RecordPipeline } from "../pipeline";
import type { QueuedSpan } from "../queue";
import type { SequenceState } from "../rollout";
import type { ProcessorStats } from "../stats";

/** Spans processed in-thread within {@link BUSY_WINDOW_MS} that start the worker. */
export const BUSY_SPANS = 1_000;
export const BUSY_WINDOW_MS = 1_000;
/** Longest wait for the in-thread lanes to write what they hold before the worker takes over. */
export const HANDOVER_WAIT_MS = 2_000;

/** What {@link AutoOffload} needs of the worker's host (an OffloadHost). */
export interface StartedHost extends RecordEngine {
  /** The worker built its sinks and runs. */
  readonly ready: boolean;
  /** The worker numbers on from `state`; before the host's first batch. */
  adopt(state: SequenceState): void;
}

/** Starts the worker's host; undefined when it cannot start (it warned). */
export type HostFactory = () => StartedHost | undefined;

/** `standby`: counting spans; `starting`: the worker loads; `offloaded`: the worker has the spans; `in-thread`: for good. */
type State = "standby" | "starting" | "offloaded" | "in-thread";

export class AutoOffload implements RecordEngine {
  private _host: StartedHost | undefined;
  private _state: State = "standby";
  private _closed = false;
  /** Spans counted in the current window, and when it began. */
  private _count = 0;
  private _windowStart = performance.now();

  constructor(
    private readonly _pipeline: RecordPipeline,
    private readonly _start: HostFactory,
  ) {}

  /** In-thread until the worker is ready; then the worker takes the rest of this run and every later one. */
  async processChunked(next: () => QueuedSpan | undefined, onProgress?: (processed: number) => void, waiting?: () => number): Promise<void> {
    if (this._state === "offloaded") return this._host!.processChunked(next, onProgress, waiting);
    let handOver = false;
    let done = 0;
    await this._pipeline.processChunked(
      () => {
        if (handOver) return undefined; // ends the in-thread run here; the spans left stay queued
        const item = next();
        if (item !== undefined) handOver = this._observe();
        return item;
      },
      (p) => onProgress?.((done = p)),
      waiting,
    );
    if (!handOver) return;
    const engine = await this._handOver();
    await engine.processChunked(next, (p) => onProgress?.(done + p), waiting);
  }

  /** After each in-thread span: counts it, or looks at the starting worker. True when the worker can take over. */
  private _observe(): boolean {
    if (this._state === "standby") {
      if (this._busy()) this._startWorker();
      return false;
    }
    return this._state === "starting" && this._host!.ready;
  }

  /** True when this window's count says the app is busy. */
  private _busy(): boolean {
    if (++this._count < BUSY_SPANS) return false;
    const now = performance.now();
    if (now - this._windowStart <= BUSY_WINDOW_MS) return true;
    this._count = 0;
    this._windowStart = now;
    return false;
  }

  private _startWorker(): void {
    if (this._closed) return;
    this._host = this._start();
    this._state = this._host ? "starting" : "in-thread";
  }

  /** The engine for the rest of the run: the worker's host, unless the processor closed meanwhile. */
  private async _handOver(): Promise<RecordEngine> {
    const host = this._host!;
    // What the in-thread lanes hold is written first: a file's lines keep their order.
    await withTimeout(this._pipeline.flushLanes(), HANDOVER_WAIT_MS, () => undefined).catch(() => undefined);
    if (this._closed || !host.ready) return this._pipeline; // shutting down, exited, or the worker failed meanwhile
    host.adopt(this._pipeline.sequences.state());
    this._state = "offloaded";
    return host;
  }

  // From `starting` on, the host drives the lifecycle: it delegates to the in-thread pipeline
  // what is this thread's (the exit path, its lanes' timer, closing and shutting its sinks down).

  processSync(next: () => QueuedSpan | undefined): void {
    (this._host ?? this._pipeline).processSync(next);
  }

  scheduleWrites(): void {
    (this._host ?? this._pipeline).scheduleWrites();
  }

  /** The worker's lanes and the in-thread ones (which hold what was processed before the move). */
  async flushLanes(): Promise<void> {
    if (this._host) await Promise.all([this._host.flushLanes(), this._pipeline.flushLanes()]);
    else await this._pipeline.flushLanes();
  }

  closeLanes(reason: string): void {
    this._closed = true;
    (this._host ?? this._pipeline).closeLanes(reason);
  }

  shutdownSinks(timeoutMs: number): Promise<void> {
    return (this._host ?? this._pipeline).shutdownSinks(timeoutMs);
  }

  writeSyncAll(): void {
    (this._host ?? this._pipeline).writeSyncAll();
  }

  snapshot(queue: { length: number; bytes: number }): ProcessorStats {
    if (this._host) {
      const out = this._host.snapshot(queue);
      // Until the move, the records are built here, whatever the worker's own state.
      if (this._state !== "offloaded" && out.offload?.state === "running") out.offload.state = "standby";
      return out;
    }
    const out = this._pipeline.snapshot(queue);
    const failed = this._state === "in-thread";
    out.offload = { state: failed ? "failed" : "standby", workerErrors: failed ? 1 : 0, convertedHere: 0 };
    return out;
  }
}
