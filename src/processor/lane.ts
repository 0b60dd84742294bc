/**
 * One sink's delivery lane: its own bounded backlog of records, at most one `write` in flight,
 * and its own timeout, so a slow or hung sink cannot stall the others (RELIABILITY.md §5.4).
 * A sink with `encode`/`writeEncoded` gets each record encoded on arrival: the backlog then
 * holds flat strings rather than object trees that would survive young-generation GCs.
 */
import { context } from "@opentelemetry/api";
import { isTracingSuppressed, suppressTracing } from "@opentelemetry/core";
import type { CanonicalSpan } from "../model/record";
import type { Encoded, EncodeResult, SinkResult, SpanSink } from "../sinks/sink";
import { logger } from "../internal/diag";
import { thrownText } from "../internal/errors";
import { safeUnref, withTimeout } from "../internal/timers";
import { Fifo } from "./queue";
import type { StatsRecorder } from "./stats";

/** A record waiting in the backlog: the record itself, or the sink's encoding of it (an `Encoded`). */
interface Entry {
  readonly value: unknown;
  readonly bytes: number;
}

/** Why a sink refused to encode a record (see {@link SinkLane.encodeOnly}). */
export interface LaneRefusal {
  readonly refused: true;
  readonly reason: string;
  readonly detail: string;
}

export function isRefusal(r: unknown): r is LaneRefusal {
  return typeof r === "object" && r !== null && (r as LaneRefusal).refused === true;
}

export interface LaneLimits {
  maxCount: number;
  maxBytes: number;
  batchSize: number;
  /** Per write and per sink forceFlush; 0 = no limit. */
  timeoutMs: number;
}

const TIMED_OUT = Symbol("timed out");
const log = logger("processor");

/** Runs sink I/O with tracing suppressed, so the processor's own I/O creates no spans. */
export function untraced<T>(fn: () => T): T {
  // Inside a run that already suppresses tracing (the export path wraps runs of spans, see
  // RecordPipeline.processChunked) this is one look-up, not a new context per record.
  const active = context.active();
  return isTracingSuppressed(active) ? fn() : context.with(suppressTracing(active), fn);
}

/** Calls a sink method that must return a promise; a throw or a non-promise becomes a settled promise. */
function callSink<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(untraced(fn));
  } catch (e) {
    return Promise.reject(e);
  }
}

export class SinkLane {
  private readonly _backlog = new Fifo<Entry>();
  private _bytes = 0;
  private _inFlight = 0;
  /** True once the write in flight was counted (timed out, or given up at shutdown or exit): its settling is then ignored. */
  private _inFlightCounted = false;
  /** True while a write that exceeded its timeout has not settled: the backlog cannot move until it does. */
  private _stuck = false;
  private _drainRequested = false;
  private _closed = false;
  private _waiters: Array<{ target: number; resolve: () => void; promise: Promise<void> }> = [];
  /** True when the sink encodes records on arrival (`encode` + `writeEncoded`). */
  readonly encodes: boolean;
  /** Records ever accepted into the backlog. */
  accepted = 0;
  /** Records whose fate is decided (exported or dropped). */
  settled = 0;
  /** Records this lane could not deliver (any reason). */
  failed = 0;

  constructor(
    readonly sink: SpanSink,
    readonly name: string,
    private readonly _limits: LaneLimits,
    private readonly _stats: StatsRecorder,
  ) {
    this.encodes = typeof sink.encode === "function" && typeof sink.writeEncoded === "function";
  }

  /** Records waiting, including a write in flight that was not counted as lost yet. */
  get pending(): number {
    return this._backlog.length + (this._inFlightCounted ? 0 : this._inFlight);
  }

  /** True while the lane waits behind a write that exceeded its timeout (see {@link whenSettled}). */
  get stuck(): boolean {
    return this._stuck;
  }

  /** Adds a record; drops it (newest) when the backlog is full. */
  offer(record: CanonicalSpan, bytes: number): void {
    if (!this._hasRoom()) return;
    const entry = this.encodes ? this._encode(record, bytes) : { value: record, bytes };
    if (entry) this._push(entry);
  }

  /**
   * Adds a record already in this sink's encoding (`encode` ran elsewhere: the offload worker
   * receives lines the app thread encoded). Only for a sink that encodes.
   */
  offerEncoded(value: unknown, bytes: number): void {
    if (!this.encodes) {
      this._reject(`sink_error:${this.name}`, "an encoded record for a sink that does not encode");
      return;
    }
    // The entry is the `Encoded` form writeEncoded receives.
    const entry: Encoded<unknown> & Entry = { ok: true, value, bytes };
    if (this._hasRoom()) this._push(entry);
  }

  /** False (counted) when the lane is closed or its backlog is full by count. */
  private _hasRoom(): boolean {
    if (this._closed) {
      this._reject(`sink_closed:${this.name}`);
      return false;
    }
    if (this._backlog.length >= this._limits.maxCount) {
      this._reject(`sink_backlog_full:${this.name}`);
      return false;
    }
    return true;
  }

  private _push(entry: Entry): void {
    // A single entry larger than the whole budget still gets into an empty backlog.
    if (this._bytes + entry.bytes > this._limits.maxBytes && this._backlog.length > 0) {
      this._reject(`sink_backlog_full:${this.name}`);
      return;
    }
    this._backlog.push(entry);
    this._bytes += entry.bytes;
    this.accepted++;
    if (this._backlog.length >= this._limits.batchSize) this._next();
  }

  /**
   * The sink's portable encoding of `record` without queueing it (the app thread encodes for the
   * offload worker's lanes): the entry, or why the sink refused the record, which is not counted
   * until the caller passes it to {@link refuse}; `undefined` when the sink does not encode.
   */
  encodeOnly(record: CanonicalSpan, estimate: number): Entry | LaneRefusal | undefined {
    return this.encodes ? this._tryEncode(record, estimate, true) : undefined;
  }

  /** Counts a refusal {@link encodeOnly} returned. */
  refuse(r: LaneRefusal): void {
    this._reject(r.reason, r.detail);
  }

  /** The sink's encoding of `record`, or `undefined` when it refused it (counted). */
  private _encode(record: CanonicalSpan, estimate: number): Entry | undefined {
    const r = this._tryEncode(record, estimate, false);
    if (!isRefusal(r)) return r;
    this.refuse(r);
    return undefined;
  }

  /**
   * The sink's encoding of `record` (sized `estimate` unless the sink says), or why it refused
   * it; `portable`: its `encodeText` form where it has one (another thread will write it).
   */
  private _tryEncode(record: CanonicalSpan, estimate: number, portable: boolean): Entry | LaneRefusal {
    let r: EncodeResult<unknown> | undefined;
    const sink = this.sink;
    try {
      r = untraced(() => (portable && typeof sink.encodeText === "function" ? sink.encodeText(record) : sink.encode!(record)));
    } catch (e) {
      return { refused: true, reason: `sink_error:${this.name}`, detail: `encode threw: ${thrownText(e)}` };
    }
    if (r && r.ok === true) return typeof r.bytes === "number" && Number.isFinite(r.bytes) ? (r as Entry) : { ...r, bytes: estimate };
    const detail = r && r.ok === false && typeof r.reason === "string" ? r.reason.slice(0, 100) : "encode returned no value";
    return { refused: true, reason: `sink_error:${this.name}`, detail };
  }

  /** Writes what is waiting, partial batches included (end of an export run, flush). */
  kick(): void {
    if (this._backlog.length === 0) return;
    this._drainRequested = true;
    this._next();
  }

  /**
   * Resolves once every record accepted so far is settled, or the lane is closed, or it is stuck
   * behind a write that exceeded its timeout (its backlog cannot move until that write settles,
   * which may be never: nobody waits on it beyond the timeout). Calls with the same target share
   * one waiter, so repeated flushes against a hung sink do not pile up.
   */
  whenSettled(): Promise<void> {
    const target = this.accepted;
    if (this.settled >= target || this._closed || this._stuck) return Promise.resolve();
    const last = this._waiters[this._waiters.length - 1];
    if (last && last.target === target) return last.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this._waiters.push({ target, resolve, promise });
    return promise;
  }

  /** Calls the sink's forceFlush (if any), bounded by the timeout; never rejects. */
  forceFlushSink(): Promise<void> {
    const sink = this.sink;
    if (typeof sink.forceFlush !== "function") return Promise.resolve();
    const p = callSink(() => sink.forceFlush!()).then(
      () => undefined,
      (e: unknown) => log.warn(`sink ${this.name}: forceFlush failed: ${thrownText(e)}`),
    );
    return withTimeout(p, this._limits.timeoutMs, () => undefined);
  }

  /** Shuts the sink down within `timeoutMs` (0 = wait as long as it takes); never rejects. */
  shutdownSink(timeoutMs: number): Promise<void> {
    const p = callSink(() => this.sink.shutdown()).then(
      () => undefined,
      () => undefined,
    );
    return withTimeout(p, timeoutMs, () => undefined);
  }

  /** Discards the backlog, counting it under `reason`; later offers are dropped as `sink_closed`. */
  close(reason: string): void {
    this._closed = true;
    const left = this._backlog.drain();
    this._bytes = 0;
    this._drop(reason, left.length);
    this._resolveWaiters(true);
  }

  /**
   * End of shutdown: a write that has still not settled is given up, its records counted under
   * `reason` (when it settles later, that is ignored), so the shutdown summary misses nothing.
   */
  abandonInFlight(reason: string): void {
    if (this._inFlight === 0 || this._inFlightCounted) return;
    this._inFlightCounted = true;
    this._drop(reason, this._inFlight, "a write was still in flight when shutdown ended");
  }

  /**
   * Exit path: hands the backlog to `writeSync` when the sink has one, else counts it lost; a
   * write still in flight cannot be confirmed any more (`exit_in_flight`).
   */
  writeSyncBacklog(): void {
    if (this._inFlight > 0 && !this._inFlightCounted) {
      this._inFlightCounted = true;
      this._drop(`exit_in_flight:${this.name}`, this._inFlight, "a write was in flight when the process exited");
    }
    const left = this._backlog.drain();
    this._bytes = 0;
    if (left.length === 0) return;
    const sink = this.sink;
    const writeSync = this.encodes ? sink.writeEncodedSync : sink.writeSync;
    if (typeof writeSync !== "function") {
      this._drop(`exit_unflushed:${this.name}`, left.length);
      return;
    }
    for (let i = 0; i < left.length; i += this._limits.batchSize) {
      const batch = this._payload(left.slice(i, i + this._limits.batchSize));
      try {
        untraced(() => writeSync.call(sink, batch as never));
        this._stats.addExported(this.name, batch.length);
        this.settled += batch.length;
      } catch (e) {
        this._drop(`sink_error:${this.name}`, batch.length, thrownText(e));
      }
    }
  }

  /** What the sink's write methods take: the `Encoded` entries themselves, or the records. */
  private _payload(entries: Entry[]): unknown[] {
    return this.encodes ? entries : entries.map((e) => e.value);
  }

  /** A record refused at the door: lost, but never accepted, so flush marks ignore it. */
  private _reject(reason: string, detail?: string): void {
    this._stats.drop(reason, 1, detail);
    this.failed++;
  }

  /** Accepted records given up: counted and settled. */
  private _drop(reason: string, n: number, detail?: string): void {
    if (n <= 0) return;
    this._stats.drop(reason, n, detail);
    this.failed += n;
    this.settled += n;
    this._resolveWaiters(false);
  }

  private _next(): void {
    if (this._inFlight > 0 || this._backlog.length === 0) return;
    if (!this._drainRequested && this._backlog.length < this._limits.batchSize) return;
    const batch: Entry[] = [];
    while (batch.length < this._limits.batchSize) {
      const e = this._backlog.shift();
      if (!e) break;
      this._bytes -= e.bytes;
      batch.push(e);
    }
    if (this._backlog.length === 0) this._drainRequested = false;
    this._inFlight = batch.length;
    this._inFlightCounted = false;
    void this._write(batch);
  }

  private async _write(entries: Entry[]): Promise<void> {
    const n = entries.length;
    const sink = this.sink;
    const batch = this._payload(entries);
    const write = callSink(() => (this.encodes ? sink.writeEncoded!(batch as Encoded<unknown>[]) : sink.write(batch as CanonicalSpan[])));
    const timeoutMs = this._limits.timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race<SinkResult | typeof TIMED_OUT | { thrown: unknown }>([
      write.catch((e: unknown) => ({ thrown: e })),
      ...(timeoutMs > 0 ? [new Promise<typeof TIMED_OUT>((r) => (timer = safeUnref(setTimeout(() => r(TIMED_OUT), timeoutMs))))] : []),
    ]);
    if (timer) clearTimeout(timer);
    if (outcome === TIMED_OUT) {
      if (!this._inFlightCounted) this._drop(`sink_timeout:${this.name}`, n, `write took longer than ${timeoutMs} ms`);
      this._inFlightCounted = true;
      this._stuck = true;
      this._resolveWaiters(true);
      // The batch is given up (flush and shutdown stop waiting for it), but the next write waits
      // until this one settles: export is never called concurrently (OTel spec, RELIABILITY
      // A16). A write that never settles breaks the sink contract; its backlog then fills and
      // the overflow is counted.
      await write.then(
        () => undefined,
        () => undefined,
      );
    } else if (!this._inFlightCounted) {
      this._account(outcome, n);
    }
    this._stuck = false;
    this._inFlight = 0;
    this._resolveWaiters(false);
    this._next();
  }

  private _account(outcome: SinkResult | { thrown: unknown } | undefined, n: number): void {
    if (outcome && typeof outcome === "object" && "thrown" in outcome) {
      this._drop(`sink_error:${this.name}`, n, thrownText(outcome.thrown));
      return;
    }
    const r = outcome as Partial<{ ok: boolean; dropped: number; reason: string; error: unknown }> | undefined;
    // A sink that resolves with nothing (e.g. `async write() {}`) delivered its batch.
    if (!r || typeof r !== "object" || r.ok !== false) {
      this._stats.addExported(this.name, n);
      this.settled += n;
      return;
    }
    const dropped = Number.isFinite(r.dropped) ? Math.min(n, Math.max(0, Math.floor(r.dropped as number))) : n;
    this._stats.addExported(this.name, n - dropped);
    this.settled += n - dropped;
    const detail = typeof r.reason === "string" ? r.reason.slice(0, 100) : r.error !== undefined ? thrownText(r.error) : undefined;
    this._drop(`sink_error:${this.name}`, dropped, detail);
  }

  private _resolveWaiters(all: boolean): void {
    if (this._waiters.length === 0) return;
    const keep: typeof this._waiters = [];
    for (const w of this._waiters) {
      if (all || this._closed || this.settled >= w.target) w.resolve();
      else keep.push(w);
    }
    this._waiters = keep;
  }
}
