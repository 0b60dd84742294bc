/**
 * The log-record companion: the official OTel GenAI instrumentation
 * (`@opentelemetry/instrumentation-openai`) emits prompts, completions and tool calls as LOG
 * RECORDS tied to the span by its span context — `gen_ai.{system,user,assistant,tool}.message` and
 * `gen_ai.choice` with the event name in the `event.name` attribute and the payload in the body,
 * and newer `gen_ai.client.inference.operation.details` with `eventName` set and the messages in
 * `gen_ai.input.messages` / `gen_ai.output.messages` attributes. Registered in the app's
 * `LoggerProvider`, this processor keeps those events per span id until the span processor takes
 * them in its export path and hands them to `toCanonicalSpan(span, { logEvents })`.
 *
 * `onEmit` is O(1) amortized and every buffer is bounded (spans, events per span, estimated
 * bytes, age); every drop is counted by reason. Log records are not copied: the SDK makes them
 * read-only once `onEmit` returns.
 */
import { trace, type Context } from "@opentelemetry/api";
import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import { logger } from "../internal/diag";
import type { HrTimeLike, SpanEventLike } from "../read/span-input";

/**
 * The fields read from an SDK log record: `ReadWriteLogRecord` of sdk-logs 0.2xx (and the
 * `LogRecord` class of older lines), described structurally so every line fits.
 */
export interface LogRecordLike {
  readonly hrTime?: HrTimeLike;
  readonly hrTimeObserved?: HrTimeLike;
  readonly spanContext?: { readonly traceId: string; readonly spanId: string; readonly traceFlags?: number };
  /** sdk-logs ≥ 0.5x; older emitters put the name in the `event.name` attribute. */
  readonly eventName?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
}

export interface LogEventBufferOptions {
  /** Most spans with buffered events; the oldest span's events go first. @default 1000 */
  maxSpans?: number;
  /** Most events kept per span; later ones are dropped. @default 256 */
  maxEventsPerSpan?: number;
  /** Most estimated bytes over all buffered events; the oldest spans' events go first. @default 16 MiB */
  maxBytes?: number;
  /**
   * A span's events are dropped when no event arrived for it for this long and nobody took them
   * (the span was filtered, unsampled or never ended). @default 60000
   */
  maxAgeMs?: number;
  /** Ignore events of unsampled spans: they never reach an exporter. @default true */
  sampledOnly?: boolean;
  /** Clock in ms, for tests. @default Date.now */
  now?: () => number;
}

export type LogEventDropReason = "expired" | "max_spans" | "max_events_per_span" | "max_bytes" | "shutdown" | "error";

export interface LogEventStats {
  /** Events buffered since start. */
  accepted: number;
  /** Events handed out by `take`. */
  taken: number;
  /** Log records that were not `gen_ai.*` events of a (sampled) span. */
  ignored: number;
  /** Log records emitted after `shutdown()`: ignored. */
  afterShutdown: number;
  dropped: Record<LogEventDropReason, number>;
  /** Currently buffered. */
  spans: number;
  events: number;
  bytes: number;
}

interface Bucket {
  events: SpanEventLike[];
  bytes: number;
  /** Time (ms) of the latest event: buckets sit in the map in that order, oldest first. */
  t: number;
}

const DEFAULT_MAX_SPANS = 1000;
const DEFAULT_MAX_EVENTS_PER_SPAN = 256;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_AGE_MS = 60_000;
/** Node budget of one size estimate; a value with more nodes counts as LARGE_VALUE_BYTES more. */
const ESTIMATE_NODES = 256;
const LARGE_VALUE_BYTES = 16 * 1024;
const EVENT_OVERHEAD_BYTES = 96;
const INVALID_SPAN_ID = "0000000000000000";
const WARN_INTERVAL_MS = 60_000;

const log = logger("log-events");

/** A bounded estimate of the heap a JSON-ish value holds: O(1), at most ESTIMATE_NODES visited. */
function estimateBytes(v: unknown): number {
  let budget = ESTIMATE_NODES;
  let total = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (--budget < 0) return total + LARGE_VALUE_BYTES;
    if (typeof x === "string") total += 2 * x.length + 16;
    else if (x !== null && typeof x === "object") {
      total += 32;
      if (Array.isArray(x)) for (let i = 0; i < x.length && i <= budget; i++) stack.push(x[i]);
      else {
        let n = 0;
        for (const k in x) {
          if (n++ > budget) break;
          total += 2 * k.length + 16;
          stack.push((x as Record<string, unknown>)[k]);
        }
      }
    } else total += 8;
  }
  return total;
}

function hrTimeOf(r: LogRecordLike, nowMs: number): HrTimeLike {
  const t = r.hrTime ?? r.hrTimeObserved;
  if (Array.isArray(t) && typeof t[0] === "number" && typeof t[1] === "number") return t;
  return [Math.floor(nowMs / 1000), (nowMs % 1000) * 1e6];
}

function eventNameOf(r: LogRecordLike): string | undefined {
  if (typeof r.eventName === "string" && r.eventName !== "") return r.eventName;
  const a = r.attributes?.["event.name"];
  return typeof a === "string" ? a : undefined;
}

/**
 * A `LogRecordProcessor` that buffers GenAI log events under their span id for the span
 * processor (see the module comment). Register it in the app's `LoggerProvider` next to any other
 * log processor; it exports nothing itself.
 */
export class CanonicalLogRecordProcessor implements LogRecordProcessor {
  private readonly _buckets = new Map<string, Bucket>();
  private readonly _maxSpans: number;
  private readonly _maxEventsPerSpan: number;
  private readonly _maxBytes: number;
  private readonly _maxAgeMs: number;
  private readonly _sampledOnly: boolean;
  private readonly _now: () => number;
  private _bytes = 0;
  private _events = 0;
  private _accepted = 0;
  private _taken = 0;
  private _ignored = 0;
  private _afterShutdown = 0;
  private readonly _dropped: Record<LogEventDropReason, number> = {
    expired: 0,
    max_spans: 0,
    max_events_per_span: 0,
    max_bytes: 0,
    shutdown: 0,
    error: 0,
  };
  private _isShutdown = false;
  private _lastWarn = -Infinity;

  constructor(options: LogEventBufferOptions = {}) {
    const positive = (name: string, v: number | undefined, d: number): number => {
      if (v === undefined) return d;
      if (typeof v !== "number" || !(v > 0)) throw new RangeError(`canonspan: \`${name}\` must be a positive number (actual: ${String(v)})`);
      return v;
    };
    this._maxSpans = positive("maxSpans", options.maxSpans, DEFAULT_MAX_SPANS);
    this._maxEventsPerSpan = positive("maxEventsPerSpan", options.maxEventsPerSpan, DEFAULT_MAX_EVENTS_PER_SPAN);
    this._maxBytes = positive("maxBytes", options.maxBytes, DEFAULT_MAX_BYTES);
    this._maxAgeMs = positive("maxAgeMs", options.maxAgeMs, DEFAULT_MAX_AGE_MS);
    this._sampledOnly = options.sampledOnly ?? true;
    this._now = options.now ?? Date.now;
  }

  /** Buffers a `gen_ai.*` event tied to a span. O(1) amortized; never throws. */
  onEmit(logRecord: LogRecordLike, context?: Context): void {
    if (this._isShutdown) {
      this._afterShutdown++;
      return;
    }
    try {
      const name = eventNameOf(logRecord);
      if (name === undefined || !name.startsWith("gen_ai.")) {
        this._ignored++;
        return;
      }
      let sc = logRecord.spanContext;
      if (!sc && context) sc = trace.getSpanContext(context);
      const spanId = sc?.spanId;
      if (typeof spanId !== "string" || spanId.length !== 16 || spanId === INVALID_SPAN_ID) {
        this._ignored++;
        return;
      }
      if (this._sampledOnly && typeof sc?.traceFlags === "number" && (sc.traceFlags & 1) === 0) {
        this._ignored++;
        return;
      }
      const now = this._now();
      this._expire(now);
      const attributes = logRecord.attributes ?? {};
      const body = logRecord.body;
      const bytes = EVENT_OVERHEAD_BYTES + 2 * name.length + estimateBytes(attributes) + estimateBytes(body);
      if (bytes > this._maxBytes) return this._drop("max_bytes", 1);
      let bucket = this._buckets.get(spanId);
      if (bucket) {
        if (bucket.events.length >= this._maxEventsPerSpan) return this._drop("max_events_per_span", 1);
        // Age counts from a span's latest event (a long stream keeps its events): move it last.
        this._buckets.delete(spanId);
        this._buckets.set(spanId, bucket);
        bucket.t = now;
      }
      // Make room by evicting the oldest spans; never the span this event belongs to.
      while (this._bytes + bytes > this._maxBytes) {
        const oldest = this._oldest();
        if (!oldest || oldest[1] === bucket) return this._drop("max_bytes", 1);
        this._evict(oldest[0], oldest[1], "max_bytes");
      }
      if (!bucket) {
        if (this._buckets.size >= this._maxSpans) {
          const oldest = this._oldest();
          if (oldest) this._evict(oldest[0], oldest[1], "max_spans");
        }
        bucket = { events: [], bytes: 0, t: now };
        this._buckets.set(spanId, bucket);
      }
      const event: SpanEventLike = { name, time: hrTimeOf(logRecord, now), attributes, body };
      bucket.events.push(event);
      bucket.bytes += bytes;
      this._bytes += bytes;
      this._events++;
      this._accepted++;
    } catch {
      this._drop("error", 1); // a hostile record (throwing getters): count it and move on
    }
  }

  /** Removes and returns the events buffered for `spanId` (oldest first); `[]` when none. */
  take(spanId: string): SpanEventLike[] {
    const bucket = this._buckets.get(spanId);
    if (bucket) {
      this._remove(spanId, bucket);
      this._taken += bucket.events.length;
    }
    this._expire(this._now());
    return bucket ? bucket.events : [];
  }

  stats(): LogEventStats {
    return {
      accepted: this._accepted,
      taken: this._taken,
      ignored: this._ignored,
      afterShutdown: this._afterShutdown,
      dropped: { ...this._dropped },
      spans: this._buckets.size,
      events: this._events,
      bytes: this._bytes,
    };
  }

  /** Nothing is exported from here: resolves at once. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Ignores later records, but keeps answering `take()` for what is buffered: providers are
   * often shut down together (NodeSDK), and the span processor's final flush still needs the
   * events of the spans it converts then. The buffer stays bounded and ages out. Idempotent.
   */
  shutdown(): Promise<void> {
    this._isShutdown = true;
    return Promise.resolve();
  }

  private _oldest(): [string, Bucket] | undefined {
    const first = this._buckets.entries().next();
    return first.done ? undefined : first.value;
  }

  /** Evicts spans idle for over maxAgeMs from the head of the (age-ordered) map. */
  private _expire(now: number): void {
    for (;;) {
      const oldest = this._oldest();
      if (!oldest || now - oldest[1].t <= this._maxAgeMs) return;
      this._evict(oldest[0], oldest[1], "expired");
    }
  }

  private _evict(spanId: string, bucket: Bucket, reason: LogEventDropReason): void {
    this._remove(spanId, bucket);
    this._drop(reason, bucket.events.length);
  }

  private _remove(spanId: string, bucket: Bucket): void {
    this._buckets.delete(spanId);
    this._bytes -= bucket.bytes;
    this._events -= bucket.events.length;
  }

  private _drop(reason: LogEventDropReason, n: number): void {
    this._dropped[reason] += n;
    const now = Date.now();
    if (reason !== "expired" && now - this._lastWarn >= WARN_INTERVAL_MS) {
      this._lastWarn = now;
      log.warn(`dropped GenAI log events (${reason}); totals so far: ${JSON.stringify(this._dropped)}`);
    }
  }
}
