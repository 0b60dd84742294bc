/**
 * MemorySink: keeps canonical records in memory, for tests and programmatic use (SPEC.md §5).
 * Bounded: past `maxRecords` the oldest records are evicted and counted.
 */
import type { CanonicalSpan } from "../model/record";
import type { SinkResult, SpanSink } from "./sink";

/** Options of {@link MemorySink}. */
export interface MemorySinkOptions {
  /** Records kept; when a write goes past it the oldest are evicted (counted in `evicted`). Default 10,000. */
  maxRecords?: number;
}

const DEFAULT_MAX_RECORDS = 10_000;

/**
 * In-memory sink. Records are stored as received (shared with other sinks: treat them as
 * read-only). After `shutdown()` writes report `shutdown`, and the kept records stay readable.
 *
 * @example
 * const sink = new MemorySink();
 * const processor = new CanonicalSpanProcessor({ sinks: [sink] });
 * // … run code, then `await processor.forceFlush()`
 * expect(sink.records.map((r) => r.type)).toContain("LLM");
 */
export class MemorySink implements SpanSink {
  readonly name = "memory";
  private readonly _max: number;
  // Evictions advance `_start` instead of shifting the array (O(1) per record); the array is
  // compacted when it is read or when the dead prefix outgrows the live records.
  private _items: CanonicalSpan[] = [];
  private _start = 0;
  private _evicted = 0;
  private _dropped = 0;
  private _closed = false;

  constructor(options: MemorySinkOptions = {}) {
    const max = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    if (typeof max !== "number" || !Number.isInteger(max) || max <= 0) {
      throw new TypeError(`MemorySink: maxRecords must be a positive integer (actual: ${String(max)})`);
    }
    this._max = max;
  }

  /** The kept records, oldest first (read-only). Read it again after more writes; `getRecords()` gives a copy to keep. */
  get records(): readonly CanonicalSpan[] {
    this._compact();
    return this._items;
  }

  /** A copy of the kept records, oldest first. */
  getRecords(): CanonicalSpan[] {
    return this.records.slice();
  }

  /** Records evicted to stay within `maxRecords`. */
  get evicted(): number {
    return this._evicted;
  }

  /** Records refused because the sink was shut down. */
  get dropped(): number {
    return this._dropped;
  }

  /** Forgets every kept record (counters stay). */
  clear(): void {
    this._items = [];
    this._start = 0;
  }

  write(records: readonly CanonicalSpan[]): Promise<SinkResult> {
    if (this._closed) {
      this._dropped += records.length;
      return Promise.resolve({ ok: false, dropped: records.length, reason: "shutdown" });
    }
    this._append(records);
    return Promise.resolve({ ok: true });
  }

  writeSync(records: readonly CanonicalSpan[]): void {
    if (this._closed) this._dropped += records.length;
    else this._append(records);
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this._closed = true;
  }

  private _append(records: readonly CanonicalSpan[]): void {
    // Only the newest `_max` of an oversized batch can survive: skip the rest up front.
    const skip = Math.max(0, records.length - this._max);
    this._evicted += skip;
    for (let i = skip; i < records.length; i++) this._items.push(records[i]!);
    const live = this._items.length - this._start;
    if (live > this._max) {
      this._evicted += live - this._max;
      this._start += live - this._max;
    }
    if (this._start > this._max) this._compact();
  }

  private _compact(): void {
    if (this._start === 0) return;
    this._items = this._items.slice(this._start);
    this._start = 0;
  }
}
