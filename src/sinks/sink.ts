import type { CanonicalSpan } from "../model/record";

/**
 * The outcome of one `SpanSink.write()`. A sink never throws and never rejects: it reports.
 * `dropped` counts records it could not deliver; `reason` names why (counted by the processor).
 */
export type SinkResult =
  | { ok: true }
  | { ok: false; dropped: number; reason: string; error?: Error };

/**
 * A destination for canonical records. Implement this for a custom sink.
 *
 * Contract (enforced by `CanonicalSpanProcessor`):
 * - `write()` is never called concurrently on one sink: at most one batch is in flight.
 * - `write()` must settle by itself; the processor also abandons it after its export timeout.
 * - `write()` and `shutdown()` must never throw or reject; report failures in the result.
 * - The records are shared with other sinks: treat them as read-only.
 */
export interface SpanSink {
  /** A short name used in stats and diagnostics, e.g. `file`, `console`, `otlp`. */
  readonly name: string;
  /** Deliver one batch of records. */
  write(records: readonly CanonicalSpan[]): Promise<SinkResult>;
  /** Deliver anything the sink itself buffers. Optional. */
  forceFlush?(): Promise<void>;
  /** Release resources. After it, `write()` reports failure. Idempotent. */
  shutdown(): Promise<void>;
  /**
   * Last-chance synchronous delivery at process `exit` (no event loop left). Optional; only
   * sinks that can write synchronously (the file sink) implement it. Must never throw.
   */
  writeSync?(records: readonly CanonicalSpan[]): void;
}
