/**
 * The app-thread side of `offload: true`: the processor's export path takes spans from its
 * queue, gathers their facts, snapshots them and posts batches to one worker thread, which
 * builds and delivers the records. Posting early rather than holding spans in the queue keeps
 * them from outliving young-generation GCs on the app thread.
 *
 * When the worker falls behind:
 * - past {@link SHARE_AFTER_BATCHES} batches waiting, this thread converts the next chunk itself
 *   (and, when every sink is a file or OTLP sink, redacts and encodes it: see share.ts); the worker
 *   numbers and delivers those records in posting order;
 * - when a whole queue (`maxQueueSize`, `maxQueueBytes`) is posted and not converted, the export
 *   waits for the worker synchronously (at most {@link MAX_BLOCK_MS} per chunk), then
 *   asynchronously; spans meanwhile stay in the queue, whose bounds and drop counts apply.
 *
 * - The worker never keeps the process alive by itself: it is held only while a flush, a
 *   shutdown or an export run waits for it.
 * - `exit`: batches already posted are finished by the worker while this thread waits on shared
 *   memory (at most {@link EXIT_WAIT_MS}); then what is still queued is converted here and
 *   written with the app's own sink objects (`writeSync`), numbering on from the worker's
 *   `sequenceId` counters.
 * - A worker failure (error, exit) is counted and warned once; from then on spans are processed
 *   in-thread by the app's sink objects, and the records the worker held count as `worker_lost`.
 */
import { diag } from "@opentelemetry/api";
import { performance } from "node:perf_hooks";
import { logger } from "../../internal/diag";
import { withTimeout } from "../../internal/timers";
import type { ProcessorSettings } from "../options";
import { pacer, yieldToLoop, type RecordEngine, type RecordPipeline } from "../pipeline";
import type { QueuedSpan } from "../queue";
import { waitForPendingResource } from "../span-facts";
import type { ProcessorStats } from "../stats";
import { addCounts, mergeWorkerStats } from "./merge";
import { Batch, InFlight, type ShareMode } from "./batch";
import type { FromWorker, SequenceMark, WorkerInit } from "./protocol";
import type { SequenceState } from "../rollout";
import { SnapshotWriter } from "./snapshot";
import { WorkerLink } from "./worker-link";
import { errorText } from "../../internal/errors";

/** Longest time the `exit` hook waits for the worker. */
export const EXIT_WAIT_MS = 2_000;
/** Time kept from the worker's shutdown (and exit) budget for its report to arrive. */
const SHUTDOWN_REPORT_MARGIN_MS = 200;
const EXIT_REPORT_MARGIN_MS = 250;
/** Snapshotting yields to the event loop after this long (in ms), once it took this many spans. */
const CHUNK_MAX_MS = 4;
const MIN_CHUNK_SPANS = 64;
/**
 * With more than this many export batches posted and not converted yet, the app thread
 * converts the next chunk itself and posts records: the worker then only numbers, redacts and
 * delivers them (in posting order, so `sequenceId` order holds). An app ending spans faster
 * than one worker converts them pays app-thread time for the share the worker cannot take,
 * instead of losing spans to a full queue.
 */
const SHARE_AFTER_BATCHES = 4;
/** Longest synchronous wait for the worker in one export chunk when it is a whole queue behind (ms). */
const MAX_BLOCK_MS = 50;

type State = "running" | "failed" | "closed";

const log = logger("processor");
export class OffloadHost implements RecordEngine {
  private readonly _link: WorkerLink;
  private readonly _writer = new SnapshotWriter();
  private _state: State = "running";
  private _errors = 0;
  /** Spans converted on this thread because the worker was behind. */
  private _convertedHere = 0;
  /**
   * Encoded when every sink is a file or OTLP sink (see share.ts), else records; records from the
   * first time a sink's encoding cannot be numbered on the worker (an `http/protobuf` OtlpSink);
   * none when this thread waits for the worker instead (see `sharesWhenBehind` in start.ts).
   */
  private _shareMode: ShareMode | undefined;
  private readonly _sent = new InFlight();
  private _seq: SequenceMark = { process: 0, global: 0 };
  private _ready = false;
  private _workerStats: ProcessorStats | undefined;
  private _ackWaiters: Array<() => void> = [];
  private readonly _flushWaiters = new Map<number, () => void>();
  private _flushIds = 0;
  private _closedWaiter: (() => void) | undefined;
  private _closeReason = "shutdown_timeout";

  constructor(
    private readonly _pipeline: RecordPipeline,
    private readonly _settings: ProcessorSettings,
    entry: string,
    init: Omit<WorkerInit, "shared" | "exitPort" | "batchPort">,
    shares: boolean,
  ) {
    this._shareMode = !shares ? undefined : init.sinks.every((s) => s.kind === "file" || s.kind === "otlp") ? "encoded" : "record";
    this._link = new WorkerLink(entry, init, { message: (m) => this._onMessage(m), failed: (why) => this._fail(why) });
  }

  private get _running(): boolean {
    return this._state === "running";
  }

  /** The worker built its sinks and is still running: it can take over at once. */
  get ready(): boolean {
    return this._ready && this._running;
  }

  /**
   * `offload: "auto"`: the app thread numbered spans before the move; the worker numbers on from
   * `state`. Only before the first batch is posted.
   */
  adopt(state: SequenceState): void {
    if (!this._running || this._sent.posted > 0) return;
    this._seq = { process: state.process, global: state.global };
    this._link.post({ t: "sequences", state });
  }

  /** Snapshots spans from `next()` and posts them in batches; in-thread once the worker failed. Never rejects. */
  async processChunked(next: () => QueuedSpan | undefined, onProgress?: (processed: number) => void, waiting?: () => number): Promise<void> {
    let processed = 0;
    const batchSize = this._settings.maxExportBatchSize;
    const dueNow = pacer(waiting, batchSize);
    for (;;) {
      if (this._running && this._inFlightFull()) this._waitForWorker(MAX_BLOCK_MS);
      if (this._running && this._inFlightFull()) {
        // Like the in-thread export run (its setImmediate yields), a run waiting for the worker holds the process.
        this._link.hold();
        try {
          while (this._running && this._inFlightFull()) await this._nextAck();
        } finally {
          this._link.release();
        }
      }
      if (!this._running) {
        await this._pipeline.processChunked(next, (p) => onProgress?.(processed + p), waiting);
        return;
      }
      // The worker is behind: this chunk is converted here (see SHARE_AFTER_BATCHES).
      let share = this._shareMode !== undefined && this._sent.waiting >= SHARE_AFTER_BATCHES * batchSize ? this._shareMode : undefined;
      // Like the in-thread pipeline, a chunk takes at least what is waiting when it starts.
      const due = dueNow();
      let batch = new Batch(this._pipeline, this._writer);
      let item: QueuedSpan | undefined;
      let taken = 0;
      const start = performance.now();
      while (batch.length < batchSize && (item = next()) !== undefined) {
        const pending = waitForPendingResource(item.span, this._settings.exportTimeoutMillis);
        if (pending) {
          this._post(batch);
          batch = new Batch(this._pipeline, this._writer);
          await pending;
        }
        batch.add(item, share);
        if (batch.unnumbered && share === "encoded") share = this._shareMode = "record"; // these sinks' encodings cannot be numbered on the worker
        processed++;
        if (share) this._convertedHere++;
        if (++taken >= Math.max(MIN_CHUNK_SPANS, due) && performance.now() - start > CHUNK_MAX_MS) break;
      }
      this._post(batch);
      onProgress?.(processed);
      if (item === undefined) return;
      await yieldToLoop();
    }
  }

  /** Exit path: lets the worker finish what it was sent, then converts the rest here. */
  processSync(next: () => QueuedSpan | undefined): void {
    this._exitHandshake();
    this._pipeline.processSync(next);
  }

  /** The in-thread lanes' write timer (used once the worker failed; the worker arms its own). */
  scheduleWrites(): void {
    this._pipeline.scheduleWrites();
  }

  /** Resolves when the worker delivered and flushed everything posted before (or failed). Never rejects. */
  async flushLanes(): Promise<void> {
    if (this._running) {
      const id = ++this._flushIds;
      const acked = new Promise<void>((resolve) => this._flushWaiters.set(id, resolve));
      this._link.hold();
      try {
        this._link.post({ t: "flush", id, batch: this._sent.posted });
        await withTimeout(acked, this._settings.forceFlushTimeoutMillis, () => undefined);
      } catch (e) {
        log.debug(`offload flush failed: ${errorText(e)}`);
      } finally {
        this._flushWaiters.delete(id);
        this._link.release();
      }
    }
    // In-thread records exist only after a worker failure (or on the exit path).
    if (this._state === "failed") await this._pipeline.flushLanes();
  }

  closeLanes(reason: string): void {
    this._closeReason = reason;
    this._pipeline.closeLanes(reason);
  }

  /** Shuts the worker's sinks down, then the worker, and the app's sink objects; within `timeoutMs`. */
  async shutdownSinks(timeoutMs: number): Promise<void> {
    const local = this._pipeline.shutdownSinks(timeoutMs);
    if (this._running) {
      const deadline = Date.now() + timeoutMs;
      let replied = false;
      const closed = new Promise<void>((resolve) => (this._closedWaiter = resolve)).then(() => void (replied = true));
      this._link.hold();
      try {
        // The worker gets a little less time, so that its report (with its last counts) arrives in time.
        const workerMs = timeoutMs > 0 ? Math.max(1, timeoutMs - Math.min(SHUTDOWN_REPORT_MARGIN_MS, timeoutMs / 4)) : 0;
        this._link.post({ t: "shutdown", reason: this._closeReason, timeoutMs: workerMs });
        await withTimeout(closed, timeoutMs, () => undefined);
      } catch (e) {
        log.debug(`offload shutdown failed: ${errorText(e)}`);
      }
      this._closedWaiter = undefined;
      if (this._running) {
        this._state = "closed";
        // Without the worker's last report, what it had not written yet is lost.
        if (!replied) this._countUnwritten("shutdown_timeout");
        await this._link.terminate(timeoutMs > 0 ? Math.max(1, deadline - Date.now()) : 0);
        this._releaseWaiters();
      }
      this._link.release();
    }
    await local;
  }

  writeSyncAll(): void {
    this._pipeline.writeSyncAll();
  }

  snapshot(queue: { length: number; bytes: number }): ProcessorStats {
    const inTransit = this._running ? this._sent.waiting : 0;
    const out = this._pipeline.snapshot({ length: queue.length + inTransit, bytes: queue.bytes });
    const w = this._workerStats;
    if (w) {
      for (const [name, n] of Object.entries(w.backlog)) out.backlog[name] = (out.backlog[name] ?? 0) + n;
      if (w.redaction && out.redaction) addCounts(out.redaction as unknown as Record<string, unknown>, w.redaction as unknown as Record<string, unknown>);
    }
    out.offload = { state: this._state, workerErrors: this._errors, convertedHere: this._convertedHere };
    return out;
  }

  private _post(batch: Batch): void {
    if (batch.length === 0) return;
    if (!this._running) return batch.buildInThread(); // the worker failed while the batch was built
    if (batch.post(this._link, this._sent.posted + 1)) this._sent.add(batch);
  }

  /**
   * Overload: the worker is a whole queue behind even with this thread's share. Waits for it
   * here, blocking at most `ms`: the app slows down, as it would with the in-thread export,
   * instead of filling the queue until spans drop. Past the bound, the run waits asynchronously
   * and the queue's bounds (and drop counts) apply.
   */
  private _waitForWorker(ms: number): void {
    const deadline = performance.now() + ms;
    for (;;) {
      const converted = this._link.convertedBatch;
      if (converted > this._sent.acked) this._sent.ack(converted);
      if (!this._inFlightFull()) return;
      const left = deadline - performance.now();
      if (left <= 0) return;
      this._link.waitConverted(converted, left);
    }
  }

  private _inFlightFull(): boolean {
    return this._sent.full(this._settings.maxQueueSize, this._settings.maxQueueBytes);
  }

  private _nextAck(): Promise<void> {
    return new Promise((resolve) => this._ackWaiters.push(resolve));
  }

  private _onMessage(m: FromWorker): void {
    switch (m?.t) {
      case "ready":
        this._ready = true;
        break;
      case "ack":
        this._sent.ack(m.n);
        this._seq = m.seq;
        this._merge(m.stats);
        for (const wake of this._ackWaiters.splice(0)) wake();
        break;
      case "written":
        this._merge(m.stats);
        break;
      case "flushed":
        this._merge(m.stats);
        this._flushWaiters.get(m.id)?.();
        break;
      case "closed":
        this._merge(m.stats);
        this._closedWaiter?.();
        this._closedWaiter = undefined;
        break;
      case "diag": // the worker's own component loggers already named the component
        if (Array.isArray(m.args)) diag[m.level === "error" || m.level === "warn" ? m.level : "info"](...(m.args.map(String) as [string]));
        break;
    }
  }

  private _merge(s: ProcessorStats | undefined): void {
    if (!s) return;
    mergeWorkerStats(this._pipeline.stats, this._workerStats, s);
    this._workerStats = s;
  }

  /** The worker is gone: count it, warn once, continue in-thread. */
  private _fail(why: string): void {
    if (!this._running) return;
    this._state = "failed";
    this._errors++;
    log.warn(`offload worker failed (${why}); processing spans in-thread from now on`);
    this._countUnwritten("worker_lost");
    this._resumeSequences();
    this._releaseWaiters();
  }

  /** Nobody waits for a worker that is gone: export runs, flushes and shutdown go on. */
  private _releaseWaiters(): void {
    for (const wake of this._ackWaiters.splice(0)) wake();
    for (const resolve of this._flushWaiters.values()) resolve();
    this._closedWaiter?.();
    this._closedWaiter = undefined;
  }

  /** Records posted but not settled by the worker: lost, counted under `reason`. */
  private _countUnwritten(reason: string): void {
    const lost = this._sent.spans - this._link.spansWritten;
    if (lost > 0) this._pipeline.stats.drop(reason, lost);
  }

  /** In-thread numbering continues above every id the worker may have handed out. */
  private _resumeSequences(): void {
    if (this._sent.posted === 0) return; // the worker numbered nothing: this thread's counters stand
    const unacked = Math.max(0, this._sent.waiting);
    const { process, global } = this._seq;
    this._pipeline.sequences.restore({ attempts: [], process: process + unacked, global: global + unacked, evicted: true });
  }

  /** `exit` hook: the worker finishes posted batches while this thread waits (bounded). */
  private _exitHandshake(): void {
    if (!this._running) return;
    this._state = "closed";
    if (this._sent.posted === 0) return;
    let report;
    try {
      report = this._link.finishSync(EXIT_WAIT_MS, EXIT_WAIT_MS - EXIT_REPORT_MARGIN_MS);
    } catch (e) {
      log.debug(`offload exit wait failed: ${errorText(e)}`);
    }
    if (report) {
      this._pipeline.sequences.restore(report.sequences);
      this._merge(report.stats);
    } else {
      this._countUnwritten("exit_unflushed:offload");
      this._resumeSequences();
    }
  }
}
