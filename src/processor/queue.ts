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

/** Initial capacity of the incoming buffer (it doubles as needed). */
const INITIAL_INCOMING = 1024;

/**
 * Spans waiting for conversion. `incoming` holds spans pushed by `onEnd` and not yet measured;
 * `admit()` measures them and moves them to the queue, rejecting those over the byte bound.
 */
export class SpanQueue {
  /**
   * Spans from `onEnd` not measured yet: a preallocated buffer (`_inCount` used), so `onEnd`
   * allocates nothing (an allocation can start a GC pause inside `span.end()`) except when the
   * buffer doubles, which stops once it fits a turn's spans.
   */
  private _incoming: Array<SpanInput | undefined> = new Array<SpanInput | undefined>(INITIAL_INCOMING).fill(undefined);
  private _inCount = 0;
  /** The other buffer: `admit()` swaps them, so a span ended while it runs lands in a fresh one. */
  private _spare: Array<SpanInput | undefined> = new Array<SpanInput | undefined>(INITIAL_INCOMING).fill(undefined);
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
    return this._inCount + this._queued.length;
  }

  get bytes(): number {
    return this._bytes;
  }


  /** Hot path: O(1). Returns false when the count bound is reached (the span is not queued). */
  offer(span: SpanInput): boolean {
    if (this._inCount + this._queued.length >= this.maxCount) return false;
    if (this._inCount === this._incoming.length) this._growIncoming();
    this._incoming[this._inCount++] = span;
    return true;
  }

  /** Measures the incoming spans in order; calls `onReject` for each that does not fit in bytes. */
  admit(onReject: (span: SpanInput) => void): void {
    const n = this._inCount;
    if (n === 0) return;
    const incoming = this._incoming;
    this._incoming = this._spare;
    this._inCount = 0;
    this._spare = incoming;
    for (let i = 0; i < n; i++) {
      const span = incoming[i]!;
      incoming[i] = undefined; // release for GC
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

  private _growIncoming(): void {
    const bigger = new Array<SpanInput | undefined>(this._incoming.length * 2).fill(undefined);
    for (let i = 0; i < this._inCount; i++) bigger[i] = this._incoming[i];
    this._incoming = bigger;
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
    this._incoming.fill(undefined, 0, this._inCount);
    this._inCount = 0;
    const taken = this._queued.drain();
    this.takenTotal += taken.length;
    this._bytes = 0;
    return n;
  }
}
