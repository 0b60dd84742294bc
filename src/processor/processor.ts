/**
 * `CanonicalSpanProcessor` (SPEC.md §3): turns every finished span into a canonical record and
 * delivers it to the sinks.
 *
 * Hot path: `onStart` remembers `withRollout` ids (a WeakMap, the span is never touched);
 * `onEnd` does a count check and pushes the span reference. Everything else — byte accounting,
 * conversion, redaction, I/O — runs later, off `span.end()`: the byte estimate and conversion on
 * the next turn of the event loop (in time-bounded chunks), and delivery per sink with one
 * write in flight each, a batch when `maxExportBatchSize` records wait or `scheduledDelayMillis`
 * passed. Converting at once rather than per batch keeps spans from outliving young-generation
 * GCs (a promoted span is copied twice: measured, that was most of the pipeline's GC time). With
 * a worker (`offload: true`, or the `"auto"` default once the app is busy: offload/auto.ts), the
 * export path only snapshots spans and posts them to a worker thread that does the rest
 * (offload/host.ts).
 */
import type { Context } from "@opentelemetry/api";
import { logger } from "../internal/diag";
import { errorText } from "../internal/errors";
import { withTimeout } from "../internal/timers";
import type { SpanInput } from "../read/span-input";
import { exitSyncReporting, registerExitHooks, type ExitParticipant } from "./exit-hooks";
import { resolveOffload, resolveSettings, type CanonicalSpanProcessorOptions, type ProcessorSettings } from "./options";
import { autoOffload, startOffload } from "./offload/start";
import { RecordPipeline, type RecordEngine } from "./pipeline";
import { SpanQueue } from "./queue";
import type { ProcessorStats } from "./stats";

const SAMPLED = 1;

/**
 * An OpenTelemetry `SpanProcessor` that writes one canonical record (`canonspan/v1`) per span.
 * Register it in any tracer provider (NodeSDK `spanProcessors`, `NodeTracerProvider`, …).
 *
 * Guarantees: `onStart`/`onEnd` are O(1) and never throw; memory is bounded (queue by count and
 * estimated bytes, per-sink backlogs likewise), every drop is counted by reason in
 * {@link CanonicalSpanProcessor.stats}; `forceFlush()` delivers everything received before it
 * and never rejects; `shutdown()` is idempotent and resolves within `shutdownTimeoutMillis`.
 *
 * @example
 * const processor = new CanonicalSpanProcessor({ sinks: [new FileSink({ path: "spans.jsonl" })] });
 * const sdk = new NodeSDK({ spanProcessors: [processor] });
 */
export class CanonicalSpanProcessor {
  private readonly _settings: ProcessorSettings;
  private readonly _pipeline: RecordPipeline;
  /** Where records are built and delivered: `_pipeline` itself, or the offload worker's host. */
  private readonly _engine: RecordEngine;
  private readonly _queue: SpanQueue;
  private readonly _stats: RecordPipeline["stats"];
  private readonly _log = logger("processor");
  private _tickScheduled = false;
  private _pumping = false;
  /** Spans taken from the queue and fully processed (flush marks compare against it). */
  private _convertedTotal = 0;
  private _convertWaiters: Array<{ mark: number; resolve: () => void }> = [];
  private _pendingFlush: { mark: number; promise: Promise<void> } | undefined;
  private _isShutdown = false;
  private _shutdownPromise: Promise<void> | undefined;
  private readonly _unregisterExit: () => void;
  private _receivedAtBeforeExit = 0;

  /** Throws on invalid options (construction is the only place this class throws). */
  constructor(options: CanonicalSpanProcessorOptions) {
    if (!options || typeof options !== "object") throw new TypeError("canonspan: CanonicalSpanProcessor needs an options object with sinks");
    const offload = resolveOffload(options.offload);
    this._settings = resolveSettings(options);
    this._pipeline = new RecordPipeline(options, this._settings);
    this._engine = this._engineFor(options, offload);
    this._queue = new SpanQueue(this._settings.maxQueueSize, this._settings.maxQueueBytes);
    this._stats = this._pipeline.stats;
    const participant: ExitParticipant = {
      beforeExit: () => this._onBeforeExit(),
      exitSync: () => this._onExit(),
      onSignal: () => this.shutdown(),
    };
    this._unregisterExit = options.exitHooks === false ? () => undefined : registerExitHooks(participant, options.handleSignals === true);
  }

  /** `offload`: `true` starts the worker now, `"auto"` (the default) once busy, `false` never. */
  private _engineFor(options: CanonicalSpanProcessorOptions, mode: boolean | "auto"): RecordEngine {
    if (mode === true) return startOffload(options, this._settings, this._pipeline) ?? this._pipeline;
    if (mode === "auto") return autoOffload(options, this._settings, this._pipeline) ?? this._pipeline;
    return this._pipeline;
  }

  onStart(span: SpanInput, parentContext: Context): void {
    if (this._isShutdown) {
      this._stats.afterShutdown.onStart++;
      return;
    }
    try {
      this._pipeline.onStart(span, parentContext);
    } catch (e) {
      this._log.debug(`onStart failed: ${errorText(e)}`);
    }
  }

  onEnd(span: SpanInput): void {
    const stats = this._stats;
    if (this._isShutdown) {
      stats.afterShutdown.onEnd++;
      stats.drop("after_shutdown");
      return;
    }
    try {
      // Like the stock BSP: spans recorded but not sampled are not exported. A span whose
      // context cannot be read is taken (its record says what could be read; toCanonicalSpan).
      let flags: unknown;
      try {
        flags = span.spanContext().traceFlags;
      } catch {
        flags = undefined;
      }
      if (typeof flags === "number" && (flags & SAMPLED) === 0) return;
      stats.received++;
      if (!this._queue.offer(span)) {
        stats.drop("queue_full_count");
        return;
      }
      if (!this._tickScheduled) {
        this._tickScheduled = true;
        // Never export inside onEnd (the stock BSP stalls span.end() 15–40 ms that way).
        setImmediate(this._tick);
      }
    } catch (e) {
      this._log.debug(`onEnd failed: ${errorText(e)}`);
    }
  }

  /** Delivers everything received before the call to every sink, then flushes the sinks. Never rejects. */
  forceFlush(): Promise<void> {
    if (this._isShutdown) {
      this._stats.afterShutdown.forceFlush++;
      return this._shutdownPromise ?? Promise.resolve();
    }
    return this._flush(this._settings.forceFlushTimeoutMillis);
  }

  /**
   * Flushes, then shuts every sink down. Idempotent (returns the same promise); resolves within
   * `shutdownTimeoutMillis` even when a sink hangs; never rejects. Later calls are ignored and counted.
   */
  shutdown(): Promise<void> {
    this._shutdownPromise ??= this._shutdown();
    return this._shutdownPromise;
  }

  /** A snapshot of the counters: received, exported per sink, dropped by reason, queue sizes. */
  stats(): ProcessorStats {
    return this._engine.snapshot({ length: this._queue.length, bytes: this._queue.bytes });
  }

  // --- export scheduling ------------------------------------------------------------------

  private readonly _tick = (): void => {
    this._tickScheduled = false;
    try {
      this._admit();
      if (this._queue.admittedLength > 0) this._startPump();
    } catch (e) {
      this._log.debug(`export tick failed: ${errorText(e)}`);
    }
  };

  private _admit(): void {
    this._queue.admit(() => this._stats.drop("queue_full_bytes"));
  }

  private _startPump(): void {
    if (this._pumping) return;
    this._pumping = true;
    void this._pump();
  }

  /** Converts every admitted span in chunks, then arms the lanes' timer for partial batches. */
  private async _pump(): Promise<void> {
    const q = this._queue;
    // Runs never overlap, so everything taken before this run is already processed.
    const base = q.takenTotal;
    try {
      await this._engine.processChunked(
        () => q.take(),
        (processed) => this._progress(base + processed),
        () => q.admittedLength,
      );
    } catch (e) {
      this._log.debug(`export run failed: ${errorText(e)}`);
    } finally {
      this._pumping = false;
      this._engine.scheduleWrites();
      if (q.admittedLength > 0) this._startPump(); // admitted by a flush while the run finished
    }
  }

  private _whenConverted(mark: number): Promise<void> {
    if (this._convertedTotal >= mark) return Promise.resolve();
    return new Promise((resolve) => this._convertWaiters.push({ mark, resolve }));
  }

  /** Records conversion progress (monotonic) and releases the flushes waiting for it. */
  private _progress(convertedTotal: number): void {
    if (convertedTotal > this._convertedTotal) this._convertedTotal = convertedTotal;
    if (this._convertWaiters.length === 0) return;
    const done = this._convertedTotal;
    this._convertWaiters = this._convertWaiters.filter((w) => (done >= w.mark ? (w.resolve(), false) : true));
  }

  // --- flush and shutdown -------------------------------------------------------------------

  /** One flush of everything admitted so far; concurrent calls with nothing new share it. */
  private _flush(timeoutMs: number): Promise<void> {
    this._admit();
    const mark = this._queue.admittedTotal;
    const pending = this._pendingFlush;
    if (pending && pending.mark >= mark) return pending.promise;
    const work = (async () => {
      this._startPump();
      await this._whenConverted(mark);
      await this._engine.flushLanes();
    })().catch((e: unknown) => this._log.debug(`flush failed: ${errorText(e)}`));
    const promise = withTimeout(work, timeoutMs, () => undefined);
    this._pendingFlush = { mark, promise };
    void promise.then(() => {
      if (this._pendingFlush?.promise === promise) this._pendingFlush = undefined;
    });
    return promise;
  }

  private async _shutdown(): Promise<void> {
    this._isShutdown = true;
    const timeoutMs = this._settings.shutdownTimeoutMillis;
    const deadline = Date.now() + timeoutMs;
    try {
      // A flush already under way (an un-awaited forceFlush, beforeExit) may have a longer
      // timeout, or none: shutdown waits for it only as long as its own budget allows.
      await withTimeout(this._flush(timeoutMs), timeoutMs, () => undefined);
      const left = timeoutMs > 0 ? Math.max(1, deadline - Date.now()) : 0;
      // Whatever the flush could not deliver in time is lost: count it, release it.
      const queued = this._queue.clear();
      this._stats.drop("shutdown_timeout", queued);
      this._progress(this._queue.takenTotal);
      this._engine.closeLanes("shutdown_timeout");
      await this._engine.shutdownSinks(left);
    } catch (e) {
      this._log.debug(`shutdown failed: ${errorText(e)}`);
    }
    const summary = this._stats.summary();
    if (summary) this._log.warn(`shutdown: ${summary}`);
    // Only now: a process.exit() while shutdown runs (an app's signal listener, an un-awaited
    // shutdown) still gets what is queued written synchronously by the exit hook, which is
    // never called once unregistered.
    this._unregisterExit();
  }

  // --- exit hooks ---------------------------------------------------------------------------

  private _onBeforeExit(): void {
    const received = this._stats.received;
    // Only when spans arrived since the last time: a flush that leaves nothing new behind must
    // not re-trigger itself through another beforeExit.
    if (this._isShutdown || received === this._receivedAtBeforeExit) return;
    this._receivedAtBeforeExit = received;
    void this._flush(this._settings.forceFlushTimeoutMillis);
  }

  private _onExit(): void {
    exitSyncReporting(this._stats, () => {
      this._admit();
      const q = this._queue;
      this._engine.processSync(() => q.take());
      this._progress(q.takenTotal);
      this._engine.writeSyncAll();
    });
  }
}
