/**
 * The processor's bounded queue of finished spans, by count and by estimated bytes.
 *
 * `onEnd` only pushes the span reference onto `incoming` after an O(1) count check; the byte
 * estimate (a walk over the attributes, too slow for the hot path) runs when the spans are
 * admitted, at most one event-loop turn later (`admit()`), or synchronously on flush/exit.
 * Drop policy: **drop newest** — a span that does not fit is rejected; what is queued stays.
 */
import type { SpanInput } from "../read/span-input";

/** A FIFO with O(1) amortized push/shift (array + head index, compacted as it drains). */
export class Fifo<T> {
  private _items: (T | undefined)[] = [];
  private _head = 0;

  get length(): number {
    return this._items.length - this._head;
  }

  push(item: T): void {
    this._items.push(item);
  }

  peek(): T | undefined {
    return this._items[this._head];
  }

  shift(): T | undefined {
    if (this._head >= this._items.length) return undefined;
    const item = this._items[this._head];
    this._items[this._head++] = undefined; // release for GC
    if (this._head === this._items.length) {
      this._items = [];
      this._head = 0;
    } else if (this._head >= 1024 && this._head * 2 >= this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    return item;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = (this._head === 0 ? this._items : this._items.slice(this._head)) as T[];
    this._items = [];
    this._head = 0;
    return out;
  }
}

/** A queued span with its estimated serialized size. */
export interface QueuedSpan {
  readonly span: SpanInput;
  readonly bytes: number;
}

/** Fixed cost of a record without attributes (ids, times, names, empty sections), in bytes. */
const BASE_BYTES = 600;
/** Estimated size of a non-string attribute value. */
const SCALAR_BYTES = 8;

function valueBytes(v: unknown): number {
  if (typeof v === "string") return v.length + 2;
  if (Array.isArray(v)) {
    let n = 2;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      n += (typeof x === "string" ? x.length + 2 : SCALAR_BYTES) + 1;
    }
    return n;
  }
  return SCALAR_BYTES;
}

function attributesBytes(attrs: Readonly<Record<string, unknown>> | undefined): number {
  if (!attrs) return 0;
  let n = 0;
  for (const k in attrs) n += k.length + 4 + valueBytes(attrs[k]);
  return n;
}

/**
 * Estimated JSON size of the record a span becomes: string lengths of attributes, events and
 * links plus a fixed base. Linear in the span's size, never throws (hostile getters count as 0).
 */
export function estimateSpanBytes(span: SpanInput): number {
  try {
    let n = BASE_BYTES + (span.name?.length ?? 0) + attributesBytes(span.attributes);
    const events = span.events;
    if (events) for (const e of events) n += 64 + (e.name?.length ?? 0) + attributesBytes(e.attributes);
    const links = span.links;
    if (links) for (const l of links) n += 80 + attributesBytes(l.attributes);
    return n;
  } catch {
    return BASE_BYTES;
  }
}

export type AdmitResult = "ok" | "queue_full_bytes";

/**
 * Spans waiting for conversion. `incoming` holds spans pushed by `onEnd` and not yet measured;
 * `admit()` measures them and moves them to the queue, rejecting those over the byte bound.
 */
export class SpanQueue {
  private _incoming: SpanInput[] = [];
  private readonly _queued = new Fifo<QueuedSpan>();
  private _bytes = 0;
  /** Spans ever accepted into the queue (admitted), for flush marks. */
  admittedTotal = 0;
  /** Spans ever taken out of the queue. */
  takenTotal = 0;

  constructor(
    readonly maxCount: number,
    readonly maxBytes: number,
  ) {}

  /** Spans waiting, measured or not. */
  get length(): number {
    return this._incoming.length + this._queued.length;
  }

  get bytes(): number {
    return this._bytes;
  }

  get hasIncoming(): boolean {
    return this._incoming.length > 0;
  }

  /** Hot path: O(1). Returns false when the count bound is reached (the span is not queued). */
  offer(span: SpanInput): boolean {
    if (this._incoming.length + this._queued.length >= this.maxCount) return false;
    this._incoming.push(span);
    return true;
  }

  /** Measures the incoming spans in order; calls `onReject` for each that does not fit in bytes. */
  admit(onReject: (span: SpanInput) => void): void {
    if (this._incoming.length === 0) return;
    const incoming = this._incoming;
    this._incoming = [];
    for (const span of incoming) {
      const bytes = estimateSpanBytes(span);
      // A single span larger than the whole budget still gets in when the queue is empty, so an
      // oversized span is truncated by conversion rather than silently lost.
      if (this._bytes + bytes > this.maxBytes && this._queued.length > 0) {
        onReject(span);
        continue;
      }
      this._queued.push({ span, bytes });
      this._bytes += bytes;
      this.admittedTotal++;
    }
  }

  /** Takes the oldest admitted span. */
  take(): QueuedSpan | undefined {
    const item = this._queued.shift();
    if (item) {
      this._bytes -= item.bytes;
      this.takenTotal++;
    }
    return item;
  }

  /** Number of admitted spans (excludes `incoming`). */
  get admittedLength(): number {
    return this._queued.length;
  }

  /** Empties the queue (shutdown timeout); returns how many spans were discarded. */
  clear(): number {
    const n = this.length;
    this._incoming = [];
    const taken = this._queued.drain();
    this.takenTotal += taken.length;
    this._bytes = 0;
    return n;
  }
}
