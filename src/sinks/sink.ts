import type { CanonicalSpan } from "../model/record";

/**
 * How the processor's offload worker rebuilds a sink in its own thread (`offload: true`): one of
 * canonspan's built-in sinks, and the options it was made with (plain data: they are copied to
 * the worker with the structured clone algorithm).
 */
export interface SinkWorkerSpec {
  kind: "file" | "otlp" | "console";
  options: object;
}

/**
 * The outcome of one `SpanSink.write()`. A sink never throws and never rejects: it reports.
 * `dropped` counts records it could not deliver; `reason` names why (counted by the processor).
 */
export type SinkResult =
  | { ok: true }
  | { ok: false; dropped: number; reason: string; error?: Error };

/** One record in a sink's own encoding (see {@link SpanSink.encode}), with its size in bytes if known. */
export interface Encoded<E> {
  readonly ok: true;
  readonly value: E;
  /** Counted by the backlog's byte bound; without it, the processor's estimate of the record counts. */
  readonly bytes?: number;
}

/** What `SpanSink.encode()` made of a record: its encoding, or why the sink refuses it. */
export type EncodeResult<E> = Encoded<E> | { readonly ok: false; readonly reason: string };

/**
 * A destination for canonical records. Implement this for a custom sink.
 *
 * Contract (enforced by `CanonicalSpanProcessor`):
 * - `write()` is never called concurrently on one sink: at most one batch is in flight.
 * - `write()` must settle by itself; the processor also abandons it after its export timeout.
 * - `write()` and `shutdown()` must never throw or reject; report failures in the result.
 * - The records are shared with other sinks: treat them as read-only.
 */
export interface SpanSink<E = unknown> {
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
  /**
   * Optional, together with `writeEncoded`: encodes one record as soon as the processor has
   * built it. The processor then keeps only the encoding while the record waits for its batch
   * (a flat string costs the garbage collector far less than a record's object tree that
   * outlives a young-generation collection), and delivers batches through `writeEncoded` (and
   * `writeEncodedSync` at exit) instead of `write`/`writeSync`. A refused record (`ok: false`) is dropped and counted as
   * `sink_error:<name>`. Must never throw and must not keep references into the record.
   */
  encode?(record: CanonicalSpan): EncodeResult<E>;
  /** Delivers a batch of encoded records; the same contract as `write`. */
  writeEncoded?(batch: readonly Encoded<E>[]): Promise<SinkResult>;
  /** The synchronous `exit`-hook form of `writeEncoded`, like `writeSync`. Must never throw. */
  writeEncodedSync?(batch: readonly Encoded<E>[]): void;
  /**
   * Optional, for a sink whose `encode` keeps state of its own (FileSink stores lines outside
   * the JS heap): the same encoding as plain data that can cross threads, which this sink's
   * `writeEncoded` also accepts. The offload worker's share (see `offload`) uses it.
   */
  encodeText?(record: CanonicalSpan): EncodeResult<E>;
  /**
   * Optional: how a worker thread can rebuild an equivalent sink, which makes the sink usable
   * with the processor's `offload: true`. Only the built-in `FileSink`, `OtlpSink` and
   * `ConsoleSink` (on `process.stdout`/`process.stderr`) implement it; `undefined` means "not
   * offloadable" (the processor then stays in-thread). Must never throw.
   */
  workerSpec?(): SinkWorkerSpec | undefined;
}
