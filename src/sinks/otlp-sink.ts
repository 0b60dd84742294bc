/**
 * OtlpSink: canonical records → OTLP/HTTP (SPEC.md §5, RELIABILITY.md §1.4–1.7, §5.3 A).
 *
 * Each record becomes one OTLP span with the current GenAI semconv keys (otlp-span.ts), encoded
 * as soon as it is built: as OTLP/JSON text directly (otlp-json.ts, `http/json`, the default), or
 * for the stock `@opentelemetry/otlp-transformer` protobuf serializer (`http/protobuf`). It is
 * POSTed by our transport (otlp-transport.ts) with the OTLP retry policy
 * (otlp-retry.ts). On top of the stock exporter it adds:
 * - one deadline per `write()` covering every attempt, retry and split;
 * - batches over `maxRequestBytes` split before sending, never sent;
 * - poison isolation: a batch refused with 400 or 413 is halved recursively, within a budget of
 *   extra requests, so only the refused span(s) are dropped (`poison`) and the rest delivered;
 * - partial success (`rejectedSpans`) counted as `rejected`;
 * - header values never appear in diagnostics, errors or results.
 *
 * The transformer, `@opentelemetry/core` and Node's HTTP modules load on the first `write()`.
 */
import { context } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { isLineBytes, LineArenas } from "./arena";
import { jsonRequest, OtlpJsonEncoder, type OtlpJsonSpan } from "./otlp-json";
import { logger } from "../internal/diag";
import { thrownText } from "../internal/errors";
import { withTimeout } from "../internal/timers";
import type { CanonicalSpan } from "../model/record";
import { redactUrl, resolveOtlpConfig, scrub, secretsOf, type OtlpSinkOptions, type ResolvedOtlpConfig } from "./otlp-config";
import { sendWithRetry, type AttemptResult } from "./otlp-retry";
import { OtlpInterner, toOtlpSpan } from "./otlp-span";
import { escapeForLog, OtlpHttpTransport } from "./otlp-transport";
import type { Encoded, EncodeResult, SinkResult, SinkWorkerSpec, SpanSink } from "./sink";

/** Counters of one sink since construction. */
export interface OtlpSinkStats {
  /** Spans the collector accepted. */
  delivered: number;
  /** HTTP attempts made, retries included. */
  requests: number;
  /** Retries scheduled. */
  retries: number;
  /** Spans not delivered, by reason (`poison`, `rejected`, `timeout`, `unavailable`, `network`, `http_<status>`, …). */
  dropped: Record<string, number>;
}

/** A record as the sink keeps it until its request: OTLP/JSON span text, or a span for the protobuf serializer. */
export type OtlpEncodedSpan = OtlpJsonSpan | ReadableSpan;

/** Trace and span id of an encoded span, for diagnostics. */
function idsOf(s: OtlpEncodedSpan): { traceId: string; spanId: string } {
  return "text" in s ? s : s.spanContext();
}

interface Encoder {
  serialize(spans: OtlpEncodedSpan[]): Uint8Array | undefined;
  /** `partialSuccess.rejectedSpans` and its message, from a success response body. */
  rejected(body: Uint8Array): { count: number; message: string };
  suppress<T>(fn: () => T): T;
}

const LOG_INTERVAL_MILLIS = 30_000;
const SAFETY_GRACE_MILLIS = 1_000;
const MAX_SHUTDOWN_WAIT_MILLIS = 5_000;
const POISON_STATUS = new Set([400, 413]);
const CONVERT_SLICE = 64;
/** The interner of encoded records is replaced past this many resources and scopes (bounds it). */
const MAX_INTERNED = 256;

/** A 400 or 413: the collector refuses this content; resending it as-is is pointless. */
function isRefusal(r: AttemptResult): boolean {
  return r.kind === "failure" && r.status !== undefined && POISON_STATUS.has(r.status);
}

/** Per-write accounting. */
class Tally {
  delivered = 0;
  readonly dropped = new Map<string, number>();
  lastMessage: string | undefined;
  drop(n: number, reason: string, message?: string): void {
    if (n <= 0) return;
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + n);
    if (message) this.lastMessage = message;
  }
  get droppedTotal(): number {
    let t = 0;
    for (const v of this.dropped.values()) t += v;
    return t;
  }
}

/**
 * A {@link SpanSink} that sends canonical records to an OTLP/HTTP collector.
 *
 * @example
 * new CanonicalSpanProcessor({ sinks: [new OtlpSink({ url: "http://collector:4318/v1/traces" })] });
 */
export class OtlpSink implements SpanSink<OtlpEncodedSpan> {
  readonly name = "otlp";
  private readonly _config: ResolvedOtlpConfig;
  /** The options as given, for the offload worker: it resolves them against the same environment. */
  private readonly _options: OtlpSinkOptions;
  private readonly _secrets: string[];
  private readonly _log = logger("otlp-sink");
  private readonly _lastLog = new Map<string, { at: number; suppressed: number }>();
  private readonly _abort = new AbortController();
  private readonly _inflight = new Set<Promise<SinkResult>>();
  private readonly _stats: OtlpSinkStats = { delivered: 0, requests: 0, retries: 0, dropped: {} };
  private _transport: OtlpHttpTransport | undefined;
  private _encoder: Promise<Encoder> | undefined;
  private _shutdown: Promise<void> | undefined;
  /** Shares resource and scope objects between encoded records (the serializers group by identity). */
  private _interner = new OtlpInterner();
  /** Encodes records as OTLP/JSON text (`http/json`). */
  private readonly _json: OtlpJsonEncoder | undefined;
  private readonly _arenas = new LineArenas();

  /** Throws a TypeError for invalid options; invalid environment values only warn. */
  constructor(options: OtlpSinkOptions = {}) {
    this._config = resolveOtlpConfig(options);
    this._options = options;
    this._secrets = secretsOf(this._config);
    this._json = this._config.protocol === "http/json" ? new OtlpJsonEncoder() : undefined;
  }

  /** The endpoint, without credentials or query. */
  get url(): string {
    return redactUrl(this._config.url);
  }

  /** The options as given (headers included: they are copied to a worker of this process only). */
  workerSpec(): SinkWorkerSpec {
    return { kind: "otlp", options: this._options };
  }

  /** A copy of the counters. */
  stats(): OtlpSinkStats {
    return { ...this._stats, dropped: { ...this._stats.dropped } };
  }

  write(records: readonly CanonicalSpan[]): Promise<SinkResult> {
    return this._track(records.length, () => this._write(records));
  }

  /**
   * One record as its OTLP span (JSON text, or a span for the protobuf serializer): the
   * processor calls this as soon as the record is built, so the mapping runs in its export turn
   * and the write only assembles and sends. A record that cannot be mapped is refused and
   * counted (`serialize_error`).
   */
  encode(record: CanonicalSpan): EncodeResult<OtlpEncodedSpan> {
    return this._encodeSpan(record, false);
  }

  /** {@link OtlpSink.encode} as plain data that can cross threads (the offload share): the span text as a string. */
  encodeText(record: CanonicalSpan): EncodeResult<OtlpEncodedSpan> {
    return this._encodeSpan(record, true);
  }

  private _encodeSpan(record: CanonicalSpan, portable: boolean): EncodeResult<OtlpEncodedSpan> {
    try {
      if (this._json) {
        if (portable) {
          const value = this._json.span(record);
          return { ok: true, value, bytes: value.bytes };
        }
        // The text waits for its request as UTF-8 outside the JS heap (arena.ts), not as a string.
        const span = this._json.span(record, false);
        const text = this._arenas.add(span.text, false);
        const bytes = text.end - text.start;
        return { ok: true, value: { ...span, text, bytes }, bytes };
      }
      if (this._interner.size > MAX_INTERNED) this._interner = new OtlpInterner();
      return { ok: true, value: toOtlpSpan(record, this._interner) };
    } catch {
      this._stats.dropped["serialize_error"] = (this._stats.dropped["serialize_error"] ?? 0) + 1;
      return { ok: false, reason: "serialize_error" };
    }
  }

  /** {@link OtlpSink.write} for spans from {@link OtlpSink.encode}. */
  writeEncoded(spans: readonly Encoded<OtlpEncodedSpan>[]): Promise<SinkResult> {
    return this._track(spans.length, () => this._send(spans.map((s) => s.value), new Tally()));
  }

  private _release(spans: readonly OtlpEncodedSpan[]): void {
    for (const s of spans) if ("text" in s && isLineBytes(s.text)) this._arenas.release(s.text);
  }

  /** Runs one write, tracked for flush and shutdown; refused after shutdown. Never rejects. */
  private _track(n: number, run: () => Promise<SinkResult>): Promise<SinkResult> {
    if (this._shutdown) {
      const t = new Tally();
      t.drop(n, "shutdown");
      return Promise.resolve(this._result(n, t));
    }
    if (n === 0) return Promise.resolve({ ok: true });
    const p = run().catch((e: unknown) => {
      const t = new Tally();
      t.drop(n, "error", this._clean(thrownText(e)));
      return this._result(n, t);
    });
    this._inflight.add(p);
    void p.finally(() => this._inflight.delete(p));
    return p;
  }

  /** Waits for the writes in flight (each bounded by its deadline). Never rejects. */
  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this._inflight]);
  }

  /** Stops retries at once, gives the request in flight a short grace, closes sockets. Idempotent. */
  shutdown(): Promise<void> {
    this._shutdown ??= (async () => {
      this._abort.abort();
      const grace = Math.min(this._config.timeoutMillis, MAX_SHUTDOWN_WAIT_MILLIS);
      await withTimeout(Promise.allSettled([...this._inflight]).then(() => undefined), grace, () => undefined);
      this._transport?.shutdown();
    })().catch(() => undefined);
    return this._shutdown;
  }

  private async _write(records: readonly CanonicalSpan[]): Promise<SinkResult> {
    const n = records.length;
    const tally = new Tally();
    const interner = new OtlpInterner();
    const json = this._json;
    const spans: OtlpEncodedSpan[] = [];
    for (let i = 0; i < n; i++) {
      // Convert in slices so a large batch never blocks the event loop for long.
      if (i > 0 && i % CONVERT_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        spans.push(json ? json.span(records[i]!) : toOtlpSpan(records[i]!, interner));
      } catch {
        tally.drop(1, "serialize_error");
      }
    }
    return this._send(spans, tally, n);
  }

  /** Serializes and sends `spans` within one deadline; `n` counts the records of the write (spans plus those `tally` already dropped). */
  private async _send(spans: OtlpEncodedSpan[], tally: Tally, n = spans.length): Promise<SinkResult> {
    const { timeoutMillis } = this._config;
    const deadline = Number.isFinite(timeoutMillis) ? Date.now() + timeoutMillis : Infinity;
    const encoder = await this._loadEncoder();
    const budget = { left: this._config.maxIsolationRequests };
    const work = encoder.suppress(() => this._deliver(spans, encoder, deadline, tally, budget, false));
    // Once every request, retry and split of the write is over, nothing reads the spans' arena bytes.
    void work.then(() => this._release(spans));
    // Safety net: every step honours the deadline; this bounds anything that still would not.
    const done = Number.isFinite(deadline)
      ? await withTimeout(work.then(() => true), deadline - Date.now() + SAFETY_GRACE_MILLIS, () => false)
      : await work.then(() => true);
    if (!done) {
      this._transport?.abortAll();
      tally.drop(n - tally.delivered - tally.droppedTotal, "timeout");
    }
    return this._result(n, tally);
  }

  /** Sends `spans`, splitting on size and isolating spans refused with 400/413. Never rejects. */
  private async _deliver(spans: OtlpEncodedSpan[], enc: Encoder, deadline: number, tally: Tally, budget: { left: number }, isolating: boolean): Promise<void> {
    const n = spans.length;
    if (n === 0) return;
    if (this._abort.signal.aborted) return tally.drop(n, "shutdown");
    if (Date.now() >= deadline) return tally.drop(n, "timeout");
    const halves = async (isolate: boolean): Promise<void> => {
      const mid = Math.ceil(n / 2);
      await this._deliver(spans.slice(0, mid), enc, deadline, tally, budget, isolate);
      await this._deliver(spans.slice(mid), enc, deadline, tally, budget, isolate);
    };
    let body: Uint8Array | undefined;
    try {
      body = enc.serialize(spans);
    } catch {
      body = undefined;
    }
    if (!body || body.byteLength > this._config.maxRequestBytes) {
      if (n > 1) return halves(isolating); // no request was made: splitting costs no budget
      const s = idsOf(spans[0]!);
      const why = body ? "oversize" : "serialize_error";
      this._warn(why, `dropped span ${s.spanId} (trace ${s.traceId}): ${body ? `${body.byteLength} bytes encoded, over maxRequestBytes ${this._config.maxRequestBytes}` : "could not be encoded"}`);
      return tally.drop(1, why);
    }
    if (isolating) {
      if (budget.left <= 0) {
        this._warn("poison", `dropped ${n} span(s) refused by the collector: isolation budget (${this._config.maxIsolationRequests} requests) spent`);
        return tally.drop(n, "poison");
      }
      budget.left--;
    }
    const transport = this._getTransport();
    const payload = body;
    const { result, attempts } = await sendWithRetry((t) => transport.send(payload, t), {
      deadline,
      policy: this._config.retry,
      signal: this._abort.signal,
      onRetry: () => void this._stats.retries++,
    });
    this._stats.requests += attempts;
    if (n > 1 && isRefusal(result)) return halves(true); // the halves decide what is poison
    if (result.kind !== "success" && !isRefusal(result) && this._abort.signal.aborted) return tally.drop(n, "shutdown");
    this._handle(result, spans, enc, tally);
  }

  /** Accounts the final attempt result for `spans`. */
  private _handle(result: AttemptResult, spans: OtlpEncodedSpan[], enc: Encoder, tally: Tally): void {
    const n = spans.length;
    if (result.kind === "success") {
      let rejected = { count: 0, message: "" };
      try {
        rejected = enc.rejected(result.body);
      } catch {
        // An unreadable success body is still a success (OTLP spec); said once per interval, without the body.
        this._warn("unreadable_response", `collector answered ${n} span(s) with success and a response body that could not be read (${result.body.byteLength} bytes); counted as delivered`);
      }
      const count = Math.min(n, Math.max(0, Math.floor(rejected.count)));
      const msg = rejected.message ? `: ${this._clean(escapeForLog(rejected.message))}` : "";
      if (count > 0) this._warn("rejected", `collector rejected ${count} of ${n} span(s) (partial success)${msg}`);
      else if (msg) this._warn("partial_warning", `collector accepted with a warning${msg}`);
      tally.delivered += n - count;
      this._stats.delivered += n - count;
      tally.drop(count, "rejected");
      return;
    }
    if (isRefusal(result)) {
      const s = idsOf(spans[0]!);
      this._warn("poison", `dropped span ${s.spanId} (trace ${s.traceId}) refused by the collector: ${result.message}`);
      return tally.drop(1, "poison", result.message);
    }
    const reason = result.reason === "http" ? `http_${result.status ?? 0}` : result.reason;
    this._warn(reason, `export of ${n} span(s) to ${this.url} failed (${reason}): ${result.message}`);
    tally.drop(n, reason, result.message);
  }

  private _result(n: number, tally: Tally): SinkResult {
    for (const [k, v] of tally.dropped) this._stats.dropped[k] = (this._stats.dropped[k] ?? 0) + v;
    const total = tally.droppedTotal;
    if (total === 0) return { ok: true };
    let reason = "";
    let most = -1;
    for (const [k, v] of tally.dropped) if (v > most) [reason, most] = [k, v];
    const parts = [...tally.dropped].map(([k, v]) => `${k}: ${v}`).join(", ");
    const last = tally.lastMessage ? `; last error: ${tally.lastMessage}` : "";
    return { ok: false, dropped: total, reason, error: new Error(this._clean(`OTLP export dropped ${total} of ${n} span(s) (${parts})${last}`)) };
  }

  private _getTransport(): OtlpHttpTransport {
    this._transport ??= new OtlpHttpTransport({
      url: this._config.url,
      headers: this._config.headers,
      contentType: this._config.protocol === "http/json" ? "application/json" : "application/x-protobuf",
      compression: this._config.compression,
      maxSockets: this._config.concurrencyLimit,
      scrub: (t) => scrub(t, this._secrets),
    });
    return this._transport;
  }

  private _loadEncoder(): Promise<Encoder> {
    this._encoder ??= (async (): Promise<Encoder> => {
      const [transformer, core] = await Promise.all([import("@opentelemetry/otlp-transformer"), import("@opentelemetry/core")]);
      const json = this._config.protocol === "http/json";
      const serializer = json ? transformer.JsonTraceSerializer : transformer.ProtobufTraceSerializer;
      type Spans = Parameters<typeof serializer.serializeRequest>[0];
      return {
        serialize: (spans) => (json ? jsonRequest(spans as OtlpJsonSpan[]) : serializer.serializeRequest(spans as unknown as Spans)),
        rejected: (body) => {
          if (body.byteLength === 0) return { count: 0, message: "" };
          // JSON is parsed here, not by the stock deserializer: its parse-error diag would echo the body.
          const res = json ? (JSON.parse(Buffer.from(body).toString("utf8")) as { partialSuccess?: Record<string, unknown> }) : serializer.deserializeResponse(body);
          const ps = (res?.partialSuccess ?? {}) as { rejectedSpans?: unknown; errorMessage?: unknown };
          return { count: Number(ps.rejectedSpans ?? 0) || 0, message: typeof ps.errorMessage === "string" ? ps.errorMessage : "" };
        },
        // Our own requests must not be traced by an HTTP instrumentation (STYLE.md practice 6).
        suppress: (fn) => context.with(core.suppressTracing(context.active()), fn),
      };
    })();
    this._encoder.catch(() => (this._encoder = undefined));
    return this._encoder;
  }

  /** Rate-limited warning: at most one per reason per 30 s, with the count of those held back. */
  private _warn(key: string, message: string): void {
    const now = Date.now();
    const last = this._lastLog.get(key);
    if (last && now - last.at < LOG_INTERVAL_MILLIS) {
      last.suppressed++;
      return;
    }
    const held = last?.suppressed ? ` (${last.suppressed} similar message(s) held back)` : "";
    if (this._lastLog.size < 64 || last) this._lastLog.set(key, { at: now, suppressed: 0 });
    this._log.warn(this._clean(message + held));
  }

  private _clean(text: string): string {
    return scrub(text, this._secrets);
  }
}
