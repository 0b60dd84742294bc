/**
 * `CanonicalSpanExporter`: the same conversion and delivery as the processor, behind the
 * `SpanExporter` interface, for use inside a stock `BatchSpanProcessor` (or any processor that
 * takes an exporter).
 *
 * Differences from the processor, by construction (an exporter gets no `onStart`):
 * - the BSP owns the queue (its limits and `OTEL_BSP_*` settings apply there);
 * - `withRollout()` ids are not seen, so ids come from span/resource attributes and options only;
 * - with a `filter`, a kept span is re-parented past filtered ancestors that ended in the same
 *   export batch or an earlier one; one whose filtered parent ends in a later batch keeps that
 *   parent's id (the processor, which sees `onStart`, has no such gap);
 * - a slow sink delays the BSP's next export, because `export()` reports only once every sink
 *   settled the batch.
 */
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { logger } from "../internal/diag";
import { errorText } from "../internal/errors";
import { withTimeout } from "../internal/timers";
import type { SpanInput } from "../read/span-input";
import { exitSyncReporting, registerExitHooks } from "./exit-hooks";
import { resolveSettings, type CanonicalPipelineOptions, type ProcessorSettings } from "./options";
import { RecordPipeline, toQueued, yieldToLoop } from "./pipeline";
import type { QueuedSpan } from "./queue";
import type { ProcessorStats } from "./stats";

/** Options of `CanonicalSpanExporter` (queue and schedule settings belong to the wrapping processor). */
export type CanonicalSpanExporterOptions = CanonicalPipelineOptions;

/**
 * An OpenTelemetry `SpanExporter` writing canonical records to sinks.
 *
 * `export(spans, cb)` converts off the caller's stack (the BSP calls it from inside
 * `span.end()`), delivers to every sink (one write in flight per sink, even when the BSP exports
 * batches concurrently on flush), and calls `cb` exactly once: `FAILED` when no sink received
 * any record of the batch or after `shutdown()`, else `SUCCESS` (partial losses are counted in
 * {@link CanonicalSpanExporter.stats} and reported through diag).
 *
 * @example
 * new BatchSpanProcessor(new CanonicalSpanExporter({ sinks: [new FileSink({ path: "spans.jsonl" })] }));
 */
export class CanonicalSpanExporter {
  private readonly _settings: ProcessorSettings;
  private readonly _pipeline: RecordPipeline;
  private readonly _log = logger("exporter");
  /** Exports run one after another: records keep the order spans ended in. */
  private _chain: Promise<unknown> = Promise.resolve();
  /** Spans handed to `export()` and not converted yet, in order (the `exit` hook converts them). */
  private readonly _unconverted: Array<() => QueuedSpan | undefined> = [];
  private _isShutdown = false;
  private _shutdownPromise: Promise<void> | undefined;
  private readonly _unregisterExit: () => void;

  /** Throws on invalid options (construction is the only place this class throws). */
  constructor(options: CanonicalSpanExporterOptions) {
    if (!options || typeof options !== "object") throw new TypeError("canonspan: CanonicalSpanExporter needs an options object with sinks");
    this._settings = resolveSettings(options);
    this._pipeline = new RecordPipeline(options, this._settings);
    this._unregisterExit =
      options.exitHooks === false
        ? () => undefined
        : registerExitHooks(
            {
              // The BSP's own queue is out of reach; our sink backlogs are not.
              beforeExit: () => undefined,
              exitSync: () => exitSyncReporting(this._pipeline.stats, () => this._exitSync()),
              onSignal: () => this.shutdown(),
            },
            false,
          );
  }

  export(spans: SpanInput[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      try {
        resultCallback(result);
      } catch (e) {
        this._log.debug(`export callback threw: ${errorText(e)}`);
      }
    };
    if (this._isShutdown) {
      const stats = this._pipeline.stats;
      stats.afterShutdown.export++;
      stats.drop("after_shutdown", Array.isArray(spans) ? spans.length : 0);
      done({ code: ExportResultCode.FAILED, error: new Error("CanonicalSpanExporter has been shut down") });
      return;
    }
    const batch = Array.isArray(spans) ? spans.slice() : [];
    this._pipeline.stats.received += batch.length;
    // Sized lazily, off the caller's stack (export() runs inside span.end()), or by the exit hook.
    let items: QueuedSpan[] | undefined;
    let i = 0;
    const next = (): QueuedSpan | undefined => (items ??= toQueued(batch))[i++];
    this._unconverted.push(next);
    const run = this._chain.then(() => this._exportBatch(batch, next));
    this._chain = run.catch(() => undefined);
    run.then(done, (e: unknown) => done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error("export failed") }));
  }

  /** Waits for every export started before it, then flushes the sinks. Never rejects. */
  forceFlush(): Promise<void> {
    if (this._isShutdown) {
      this._pipeline.stats.afterShutdown.forceFlush++;
      return this._shutdownPromise ?? Promise.resolve();
    }
    return withTimeout(this._drain(), this._settings.forceFlushTimeoutMillis, () => undefined);
  }

  /** Idempotent; resolves within `shutdownTimeoutMillis` even when a sink hangs. */
  shutdown(): Promise<void> {
    this._shutdownPromise ??= this._shutdown();
    return this._shutdownPromise;
  }

  /** A snapshot of the counters (the BSP's own queue is not included). */
  stats(): ProcessorStats {
    return this._pipeline.snapshot({ length: 0, bytes: 0 });
  }

  private async _exportBatch(batch: SpanInput[], next: () => QueuedSpan | undefined): Promise<ExportResult> {
    // Never convert on the caller's stack: the BSP calls export() from inside span.end().
    await yieldToLoop();
    const pipeline = this._pipeline;
    const lanes = pipeline.lanes;
    const failedBefore = lanes.map((l) => l.failed);
    const convertedBefore = pipeline.stats.converted;
    pipeline.noteBatch(batch);
    await pipeline.processChunked(next);
    this._unconverted.shift();
    pipeline.kickAll();
    // A lane stuck behind a write past its timeout resolves at once: export never blocks indefinitely.
    await Promise.all(lanes.map((l) => l.whenSettled()));
    const converted = pipeline.stats.converted - convertedBefore;
    const allLost = lanes.length > 0 && converted > 0 && lanes.every((l, k) => l.stuck || l.failed - (failedBefore[k] ?? 0) >= converted);
    if (allLost) return { code: ExportResultCode.FAILED, error: new Error("no sink accepted the batch; see stats()") };
    return { code: ExportResultCode.SUCCESS };
  }

  /** `exit`: converts what `export()` was handed and not converted yet, then writes the sink backlogs synchronously. */
  private _exitSync(): void {
    for (const next of this._unconverted.splice(0)) this._pipeline.processSync(next);
    this._pipeline.writeSyncAll();
  }

  private async _drain(): Promise<void> {
    try {
      await this._chain;
      await this._pipeline.flushLanes();
    } catch (e) {
      this._log.debug(`flush failed: ${errorText(e)}`);
    }
  }

  private async _shutdown(): Promise<void> {
    this._isShutdown = true;
    const timeoutMs = this._settings.shutdownTimeoutMillis;
    const deadline = Date.now() + timeoutMs;
    await withTimeout(this._drain(), timeoutMs, () => undefined);
    this._pipeline.closeLanes("shutdown_timeout");
    await this._pipeline.shutdownSinks(timeoutMs > 0 ? Math.max(1, deadline - Date.now()) : 0);
    const summary = this._pipeline.stats.summary();
    if (summary) this._log.warn(`shutdown: ${summary}`);
    // Only now: a process.exit() during shutdown still gets the sink backlogs written synchronously.
    this._unregisterExit();
  }
}
