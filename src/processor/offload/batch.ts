/**
 * Batches on their way to the offload worker. A {@link Batch} keeps the queued spans, their
 * facts (gathered on the app thread, in export order) and their snapshots (or records, for
 * spans converted here) together, so that a batch the worker can no longer take is built
 * in-thread from the spans themselves;
 * {@link InFlight} counts what was posted and not yet converted (the in-flight bound).
 */
import type { RecordPipeline } from "../pipeline";
import { Fifo, type QueuedSpan } from "../queue";
import type { SpanFacts } from "../span-facts";
import type { BatchMessage } from "./protocol";
import { toCloneable, type BatchEntry, type ResourceSnapshot, type SnapshotWriter } from "./snapshot";
import { deliverEncoded, encodeHere } from "./share";
import type { WorkerLink } from "./worker-link";
import { errorText } from "../../internal/errors";

/** How the app thread takes a share of the worker's work: see {@link Batch.add}. */
export type ShareMode = "record" | "encoded";

export class Batch {
  readonly items: QueuedSpan[] = [];
  readonly facts: SpanFacts[] = [];
  readonly snaps: BatchEntry[] = [];
  /** Estimated bytes of the spans in the batch. */
  bytes = 0;
  /** True once a sink's encoding could not be numbered on the worker (the encoded share does not work for these sinks). */
  unnumbered = false;

  constructor(
    private readonly _pipeline: RecordPipeline,
    private readonly _writer: SnapshotWriter,
  ) {}

  get length(): number {
    return this.snaps.length;
  }

  /**
   * Gathers the span's facts (a filtered span stops here, counted) and snapshots it; with
   * `share`, converts it on this thread instead: the worker then only numbers, redacts and
   * delivers the `record`, or only numbers and writes its `encoded` form (see share.ts).
   */
  add(item: QueuedSpan, share?: ShareMode): void {
    const facts = this._pipeline.gather(item.span);
    if (!facts) return;
    try {
      if (share) {
        const record = this._pipeline.toRecord(item.span, facts);
        if (!record) return; // counted by the pipeline
        // Text crosses threads far cheaper than a record's object tree.
        const shared = share === "encoded" ? encodeHere(this._pipeline, record, item.bytes) : undefined;
        if (shared === null) return; // dropped, counted
        if (shared === undefined) this.snaps.push({ converted: record, bytes: item.bytes });
        else if ("encoded" in shared) this.snaps.push(shared);
        else {
          this.unnumbered = true;
          this.snaps.push({ converted: shared.redacted, bytes: item.bytes, redacted: true });
        }
      } else {
        this.snaps.push(this._writer.snapshot(item.span, facts, item.bytes));
      }
    } catch (e) {
      // Getters that throw: no snapshot, no record (counted).
      this._pipeline.stats.drop("convert_error", 1, `snapshot: ${errorText(e)}`);
      return;
    }
    this.items.push(item);
    this.facts.push(facts);
    this.bytes += item.bytes;
  }

  /** Builds the records here, from the spans (the worker is gone). */
  buildInThread(): void {
    for (let i = 0; i < this.items.length; i++) {
      const entry = this.snaps[i]!;
      if ("encoded" in entry) deliverEncoded(this._pipeline, entry.encoded);
      else if ("converted" in entry) this._pipeline.deliver(entry.converted, entry.bytes, entry.redacted === true);
      else this._pipeline.build(this.items[i]!.span, this.facts[i]!, this.items[i]!.bytes);
    }
  }

  /** Posts the batch as number `n`; false when it could not be sent at all (its records are counted lost). */
  post(link: WorkerLink, n: number): boolean {
    const resources = this._writer.takeResources();
    const msg: BatchMessage = { t: "batch", n, spans: this.snaps };
    if (resources) msg.resources = resources;
    try {
      link.postBatch(msg);
      return true;
    } catch {
      // Something in the span data cannot be cloned (a function, a proxy…): send a plain copy.
      try {
        msg.spans = toCloneable(this.snaps) as BatchEntry[];
        if (resources) msg.resources = toCloneable(resources) as Array<[number, ResourceSnapshot]>;
        link.postBatch(msg);
        return true;
      } catch (e) {
        this._pipeline.stats.drop("convert_error", this.snaps.length, `offload: ${errorText(e)}`);
        return false;
      }
    }
  }
}

/** Batches posted to the worker and not yet converted by it (acknowledged): their count, spans and bytes. */
export class InFlight {
  /** Batches ever posted (the last batch number). */
  posted = 0;
  acked = 0;
  /** Spans ever posted. */
  spans = 0;
  spansAcked = 0;
  private _bytes = 0;
  private _bytesAcked = 0;
  /** Cumulative bytes and spans through each unacknowledged batch. */
  private readonly _marks = new Fifo<{ n: number; bytes: number; spans: number }>();

  /** Records a posted batch; returns its number. */
  add(batch: Batch): number {
    this.posted++;
    this.spans += batch.length;
    this._bytes += batch.bytes;
    this._marks.push({ n: this.posted, bytes: this._bytes, spans: this.spans });
    return this.posted;
  }

  /** The worker converted batches 1…n. */
  ack(n: number): void {
    this.acked = Math.max(this.acked, n);
    for (let m = this._marks.peek(); m && m.n <= n; m = this._marks.peek()) {
      this._marks.shift();
      this._bytesAcked = m.bytes;
      this.spansAcked = m.spans;
    }
  }

  /** Spans posted and not converted yet. */
  get waiting(): number {
    return this.spans - this.spansAcked;
  }

  /** True when a queue's worth (`maxCount` spans or `maxBytes`) waits; one batch may always wait. */
  full(maxCount: number, maxBytes: number): boolean {
    return this.posted > this.acked && (this.waiting >= maxCount || this._bytes - this._bytesAcked >= maxBytes);
  }
}
