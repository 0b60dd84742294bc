/**
 * The conversion and delivery path shared by `CanonicalSpanProcessor` and
 * `CanonicalSpanExporter`: span → filter/ancestry → `toCanonicalSpan` (+ log events) → rollout
 * ids and `sequenceId` → redaction → every sink lane. Runs off the hot path, in time-bounded
 * chunks with `setImmediate` between them so a large backlog never blocks the event loop long.
 */
import type { Context } from "@opentelemetry/api";
import { toCanonicalSpan } from "../convert/to-canonical";
import type { ConvertOptions } from "../convert/options";
import { logger } from "../internal/diag";
import type { CanonicalSpan } from "../model/record";
import type { SpanEventLike, SpanInput } from "../read/span-input";
import { SinkLane, untraced } from "./lane";
import { Ancestry, reparent, resolveFilter, type SpanFilter } from "./filter";
import type { CanonicalPipelineOptions, LogEventSource, ProcessorSettings } from "./options";
import { checkSinks, convertOptionsOf } from "./options";
import { createRedactor, type Redactor } from "./redact";
import type { QueuedSpan } from "./queue";
import { estimateSpanBytes } from "./queue";
import { applyRolloutIds, getRolloutIds, SequenceCounters, type RolloutIds } from "./rollout";
import { NO_FACTS, recordParentId, waitForPendingResource, type SpanFacts } from "./span-facts";
import { StatsRecorder, type ProcessorStats } from "./stats";
import { errorText } from "../internal/errors";
import { safeUnref } from "../internal/timers";


/** Most spans converted between two yields to the event loop. */
export const CHUNK_MAX_SPANS = 128;
/** Longest stretch of conversion between two yields, in ms. */
export const CHUNK_MAX_MS = 4;
/**
 * Keeping pace takes at most this many export batches' worth of spans per chunk: a one-off
 * burst (thousands of spans ended in one turn) is spread over several turns rather than
 * stalling one for seconds.
 */
export const MAX_DUE_BATCHES = 4;

/**
 * Keeping pace: a function that returns, at each chunk start, how many spans a chunk must take
 * at least: every span waiting then (`waiting()`), at most {@link MAX_DUE_BATCHES} batches'
 * worth; always 0 without `waiting`. Taking what waits, rather than what arrived since the last
 * chunk, leaves no standing backlog: a span that waits across two young-generation GCs is
 * copied twice and promoted, which cost more than its conversion (measured: the pipeline's GC
 * time halved).
 */
export function pacer(waiting: (() => number) | undefined, batchSize: number): () => number {
  if (!waiting) return () => 0;
  const cap = MAX_DUE_BATCHES * batchSize;
  return () => Math.min(waiting(), cap);
}

/** Yields to the event loop (I/O and timers run before the next chunk). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The state of one chunk of {@link RecordPipeline.processChunked}. */
interface ChunkRun {
  readonly start: number;
  readonly due: number;
  count: number;
  /** The span taken last; undefined once the queue is empty. */
  last: QueuedSpan | undefined;
  /** Set when `last` waits for its resource's attributes (not processed yet). */
  pending: Promise<void> | undefined;
}

/** What the processor drives: the in-thread {@link RecordPipeline}, or the offload host. */
export type RecordEngine = Pick<
  RecordPipeline,
  "processChunked" | "processSync" | "scheduleWrites" | "flushLanes" | "shutdownSinks" | "closeLanes" | "writeSyncAll" | "snapshot"
>;

export class RecordPipeline {
  readonly stats: StatsRecorder;
  readonly lanes: readonly SinkLane[];
  /** `sequenceId` counters (their state moves between threads in offload mode). */
  readonly sequences = new SequenceCounters();
  private readonly _rollouts = new WeakMap<object, RolloutIds>();
  private readonly _convert: ConvertOptions;
  /** Why the lanes were closed (what a write still in flight at the end of shutdown counts as). */
  private _closeReason = "shutdown_timeout";
  private readonly _filter?: SpanFilter;
  private readonly _ancestry?: Ancestry;
  private readonly _redact: Redactor;
  private readonly _logRecords?: LogEventSource;
  private readonly _fallbackRollout?: string;
  private readonly _fallbackAttempt?: string;
  private readonly _log = logger("processor");
  private _writeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    opts: CanonicalPipelineOptions,
    private readonly _settings: ProcessorSettings,
  ) {
    this.stats = new StatsRecorder(this._log);
    const sinks = checkSinks(opts.sinks);
    const used = new Map<string, number>();
    this.lanes = sinks.map((sink) => {
      // Two sinks with one name would share counters: number the later ones.
      const base = typeof sink.name === "string" && sink.name !== "" ? sink.name : "sink";
      const seen = used.get(base) ?? 0;
      used.set(base, seen + 1);
      const name = seen === 0 ? base : `${base}#${seen + 1}`;
      const limits = {
        maxCount: _settings.maxQueueSize,
        maxBytes: _settings.maxQueueBytes,
        batchSize: _settings.maxExportBatchSize,
        timeoutMs: _settings.exportTimeoutMillis,
      };
      return new SinkLane(sink, name, limits, this.stats);
    });
    this._convert = convertOptionsOf(opts);
    // resolveFilter wraps a user filter so that a throw keeps the span instead of losing it.
    this._filter = resolveFilter(opts.filter);
    // The ancestry evaluates the filter on start-time attributes too: a child usually ends
    // before its parent, so the parent's decision must be known while it still runs.
    this._ancestry = this._filter ? new Ancestry(undefined, undefined, this._filter) : undefined;
    this._redact = createRedactor({
      redact: opts.redact,
      captureContent: opts.captureContent,
      mask: opts.mask,
      maskTimeoutMs: opts.maskTimeoutMs,
    });
    this._logRecords = opts.logRecords;
    this._fallbackRollout = typeof opts.rolloutId === "string" && opts.rolloutId !== "" ? opts.rolloutId : undefined;
    this._fallbackAttempt = typeof opts.attemptId === "string" && opts.attemptId !== "" ? opts.attemptId : undefined;
  }

  /** `onStart` work: remember `withRollout` ids for the span (never mutating it); track ancestry. */
  onStart(span: object, parentContext: Context | undefined): void {
    if (parentContext) {
      const ids = getRolloutIds(parentContext);
      if (ids) this._rollouts.set(span, ids);
    }
    this._ancestry?.onStart(span as never);
  }

  /**
   * The exporter's stand-in for `onStart` (an exporter gets none): records the filter's decision
   * for every span of a batch before any of it is converted, so a kept span is re-parented past a
   * filtered ancestor that ended in the same batch or an earlier one. Never throws.
   */
  noteBatch(spans: readonly SpanInput[]): void {
    const ancestry = this._ancestry;
    if (!ancestry) return;
    for (const span of spans) {
      try {
        ancestry.onStart(span as never);
      } catch (e) {
        this._log.debug(`ancestry.onStart failed: ${errorText(e)}`);
      }
    }
  }

  /** Converts one span and offers the record to every lane. Never throws. */
  process(span: SpanInput, bytes: number): void {
    try {
      const facts = this.gather(span);
      if (facts) this.build(span, facts, bytes);
    } catch (e) {
      // gather and build never throw by contract; a span they fail on is still counted.
      this.stats.drop("convert_error", 1, errorText(e));
    }
  }

  /**
   * The span's {@link SpanFacts}, or `undefined` when the filter drops it (counted). Runs where
   * the span's `onStart` ran, in the order spans are exported. Never throws.
   */
  gather(span: SpanInput): SpanFacts | undefined {
    if (this._filter) {
      // resolveFilter wraps every filter so that a throw keeps the span (filter.ts).
      const kept = this._filter(span as never);
      try {
        this._ancestry?.onEnd(span as never, kept);
      } catch (e) {
        this._log.debug(`ancestry.onEnd failed: ${errorText(e)}`);
      }
      if (!kept) {
        this.stats.drop("filtered");
        this._takeLogEvents(span); // release the span's buffered log events now
        return undefined;
      }
    }
    const logEvents = this._takeLogEvents(span);
    const rollout = this._rollouts.get(span);
    const parent = this._ancestry ? this._parentOverride(span, this._ancestry) : undefined;
    if (!logEvents && !rollout && !parent) return NO_FACTS;
    const facts: SpanFacts = {};
    if (logEvents) facts.logEvents = logEvents;
    if (rollout) facts.rollout = rollout;
    if (parent) facts.parent = parent;
    return facts;
  }

  /** Converts `span`, applies `facts`, ids and redaction, offers the record to every lane. Never throws. */
  build(span: SpanInput, facts: SpanFacts, bytes: number): void {
    const record = this.toRecord(span, facts);
    if (record) this.deliver(record, bytes);
  }

  /**
   * The conversion proper: the span's record with `facts` (log events, rollout ids, filter
   * re-parenting) applied, not numbered and not redacted yet; `undefined` when conversion
   * failed (counted). Never throws.
   */
  toRecord(span: SpanInput, facts: SpanFacts): CanonicalSpan | undefined {
    try {
      const logEvents = facts.logEvents;
      const record = toCanonicalSpan(span, logEvents && logEvents.length > 0 ? { ...this._convert, logEvents } : this._convert);
      applyRolloutIds(record, facts.rollout, this._fallbackRollout, this._fallbackAttempt);
      const parent = facts.parent;
      if (parent && record.parentId === parent.from) reparent(record, parent.from, parent.to);
      return record;
    } catch (e) {
      this.stats.drop("convert_error", 1, errorText(e));
      return undefined;
    }
  }

  /**
   * Numbers a record from {@link toRecord} (`sequenceId`), redacts it (unless `redacted`: the
   * offload share redacted it already) and offers it to every lane. Never throws.
   */
  deliver(record: CanonicalSpan, bytes: number, redacted = false): void {
    try {
      record.sequenceId = this.sequences.next(record.rolloutId, record.attemptId);
    } catch (e) {
      this.stats.drop("convert_error", 1, errorText(e));
      return;
    }
    const out = redacted ? record : this.redact(record);
    if (!out) return;
    this.stats.converted++;
    for (const lane of this.lanes) lane.offer(out, bytes);
  }

  /** `record` redacted (captureContent, mask, secrets); `undefined` when the redactor failed (counted). Never throws. */
  redact(record: CanonicalSpan): CanonicalSpan | undefined {
    try {
      return this._redact(record);
    } catch (e) {
      // The redactor never throws by contract; if it does, fail closed: the record may hold secrets.
      this.stats.drop("redact_error", 1, errorText(e));
      return undefined;
    }
  }

  /**
   * Converts spans from `next()` in chunks, yielding to the event loop between chunks. A chunk
   * takes at least the spans waiting when it starts (`waiting()`; at most
   * {@link MAX_DUE_BATCHES} batches' worth), and beyond that at most {@link CHUNK_MAX_SPANS}
   * spans or {@link CHUNK_MAX_MS} ms: an app that queues N spans per event-loop turn gets N
   * converted per turn, like the stock BSP's synchronous export, instead of outrunning the
   * export into `queue_full` drops. Spans are taken one at a time, so whatever is not converted
   * yet stays in the queue for the synchronous exit path. `onProgress` gets the number of spans
   * processed so far, before every yield and at the end. Never rejects.
   */
  async processChunked(next: () => QueuedSpan | undefined, onProgress?: (processed: number) => void, waiting?: () => number): Promise<void> {
    let processed = 0;
    const dueNow = pacer(waiting, this._settings.maxExportBatchSize);
    for (;;) {
      const run: ChunkRun = { start: performance.now(), due: dueNow(), count: 0, last: undefined, pending: undefined };
      for (;;) {
        // One tracing-suppressed scope per run of spans rather than one per record and sink.
        untraced(() => this._runChunk(next, run));
        if (run.pending === undefined) break;
        // Like the stock BSP: a resource still detecting attributes is awaited before use.
        await run.pending;
        run.pending = undefined;
        const item = run.last!;
        untraced(() => this.process(item.span, item.bytes));
        run.count++;
      }
      processed += run.count;
      onProgress?.(processed);
      if (run.last === undefined) return;
      await yieldToLoop();
    }
  }

  /**
   * Processes spans from `next()` within the chunk's budget (see {@link processChunked}). Stops
   * early at a span whose resource is still pending: it is left in `run.last`, unprocessed, with
   * `run.pending` set. `run.last` is undefined once the queue is empty.
   */
  private _runChunk(next: () => QueuedSpan | undefined, run: ChunkRun): void {
    while (run.count < run.due || (run.count < CHUNK_MAX_SPANS && performance.now() - run.start <= CHUNK_MAX_MS)) {
      const item = next();
      run.last = item;
      if (item === undefined) return;
      const pending = waitForPendingResource(item.span, this._settings.exportTimeoutMillis);
      if (pending) {
        run.pending = pending;
        return;
      }
      this.process(item.span, item.bytes);
      run.count++;
    }
  }

  /** Converts `spans` synchronously (the `exit` path: no event loop left). */
  processSync(next: () => QueuedSpan | undefined): void {
    let item: QueuedSpan | undefined;
    while ((item = next())) this.process(item.span, item.bytes);
  }

  /** Lets every lane write its partial batch. */
  kickAll(): void {
    this._clearWriteTimer();
    for (const lane of this.lanes) lane.kick();
  }

  /**
   * The size-or-time trigger of the writes, per sink: a lane writes a full batch
   * (`maxExportBatchSize`) by itself; a partial one waits for this unref'd timer
   * (`scheduledDelayMillis`, armed when a run leaves one), a flush, or the exit path.
   */
  scheduleWrites(): void {
    if (this._writeTimer !== undefined || this.lanes.every((l) => l.pending === 0)) return;
    this._writeTimer = safeUnref(
      setTimeout(() => {
        this._writeTimer = undefined;
        this.kickAll();
      }, this._settings.scheduledDelayMillis),
    );
  }

  private _clearWriteTimer(): void {
    if (this._writeTimer !== undefined) clearTimeout(this._writeTimer);
    this._writeTimer = undefined;
  }

  /** Waits until everything converted so far is settled in every lane, then flushes the sinks. */
  async flushLanes(): Promise<void> {
    this.kickAll();
    await Promise.all(this.lanes.map((l) => l.whenSettled()));
    await Promise.all(this.lanes.map((l) => l.forceFlushSink()));
  }

  /** Shuts every sink down, in parallel, within `timeoutMs` (0 = no limit). */
  async shutdownSinks(timeoutMs: number): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.shutdownSink(timeoutMs)));
    // A write still in flight now ends with the process: counted, like the backlog closeLanes discarded.
    for (const lane of this.lanes) lane.abandonInFlight(this._closeReason);
  }

  /** Discards every lane's backlog (counted under `reason`). */
  closeLanes(reason: string): void {
    this._closeReason = reason;
    this._clearWriteTimer();
    for (const lane of this.lanes) lane.close(reason);
  }

  /** Exit path: every lane's backlog to `writeSync` where available. */
  writeSyncAll(): void {
    for (const lane of this.lanes) lane.writeSyncBacklog();
  }

  snapshot(queue: { length: number; bytes: number }): ProcessorStats {
    const backlog: Record<string, number> = {};
    for (const lane of this.lanes) backlog[lane.name] = lane.pending;
    return { ...this.stats.snapshot(queue, backlog), redaction: structuredClone(this._redact.stats) };
  }

  /** The span's buffered log events (removed from the companion), if any. */
  private _takeLogEvents(span: SpanInput): readonly SpanEventLike[] | undefined {
    if (!this._logRecords) return undefined;
    try {
      const events = this._logRecords.take(span.spanContext().spanId);
      return events && events.length > 0 ? events : undefined;
    } catch (e) {
      this._log.debug(`logRecords.take failed: ${errorText(e)}`);
      return undefined;
    }
  }

  /** Where filtering moves the span's parent, when it does. */
  private _parentOverride(span: SpanInput, ancestry: Ancestry): SpanFacts["parent"] {
    if (ancestry.size === 0) return undefined; // nothing filtered out lately: nothing to skip
    try {
      const from = recordParentId(span);
      if (from === null) return undefined;
      const to = ancestry.resolve(from);
      return to === from ? undefined : { from, to };
    } catch (e) {
      this._log.debug(`ancestry.resolve failed: ${errorText(e)}`);
      return undefined;
    }
  }
}

/** For the exporter path, which gets spans without a queue: size each one. */
export function toQueued(spans: readonly SpanInput[]): QueuedSpan[] {
  return spans.map((span) => ({ span, bytes: estimateSpanBytes(span) }));
}
