/**
 * ConsoleSink (SPEC.md §5): a readable tree per finished trace, or one JSON line per span.
 *
 * Tree style buffers records per trace and prints the trace when its root ends. Everything it
 * buffers is bounded (traces, spans per trace, spans in all) and every early print or drop is
 * counted in {@link ConsoleSink.stats}. Span text is escaped for the terminal in both styles.
 */
import { logger } from "../internal/diag";
import { encodeRecord } from "../serialize/jsonl";
import { withTimeout } from "../internal/timers";
import type { CanonicalSpan } from "../model/record";
import { positiveInt, type ConsoleSinkOptions, type ConsoleSinkStats, type ConsoleStyle } from "./console-options";
import { PendingTraces, type IncompleteReason } from "./console-pending";
import { renderTraceTree } from "./console-tree";
import type { SinkResult, SinkWorkerSpec, SpanSink } from "./sink";
import { DEFAULT_MAX_FIELD_LENGTH, escapeJsonForTerminal, shouldUseColors } from "./terminal";

const log = logger("console-sink");

/** Bytes a stream may hold unflushed before further output is dropped (a reader that stalls). */
const MAX_UNDRAINED_BYTES = 4 * 1024 * 1024;
/** How long `write()`/`forceFlush()` wait for a full stream to drain before settling anyway. */
const DRAIN_WAIT_MS = 5_000;

export type { ConsoleSinkOptions, ConsoleSinkStats, ConsoleStyle } from "./console-options";

const INCOMPLETE_TEXT: Record<IncompleteReason, string> = {
  timeout: "root span not ended before the pending-trace timeout",
  flush: "root span not ended at flush",
  traceLimit: "too many pending traces",
  spanLimit: "too many spans in this trace",
  pendingLimit: "too many pending spans",
};

/**
 * One record as one JSON line (no newline), safe for a terminal: the shared JSONL encoder
 * (never throws; cycles and the like become markers, lone surrogates U+FFFD), then the
 * terminal pass that escapes DEL, C1, bidi and invisible characters JSON leaves raw.
 */
export function encodeConsoleJsonLine(record: CanonicalSpan): string {
  return escapeJsonForTerminal(encodeRecord(record));
}

/**
 * Prints canonical records to a terminal or any writable stream.
 *
 * **Tree style.** A trace prints when its root ends: a span with no parent, or a `SERVER` /
 * `CONSUMER` span whose parent is not buffered (the process's entry point under a remote parent).
 * Other traces print, marked `[incomplete: …]`, after `pendingTraceTimeoutMs` without a new
 * span, at `forceFlush()`/`shutdown()`, or early when a bound is reached. Spans that end after
 * their trace printed form a later, incomplete tree.
 *
 * **Escaping.** Control, escape, bidi and invisible characters of span data are shown as
 * visible escapes (`\x1b`, `\n`, `\u202e`, lone surrogates as `\ud800`), never sent raw; see
 * `escapeForTerminal`. JSON lines escape the same set with JSON `\uXXXX` escapes.
 *
 * **Stream errors.** The sink adds one `once('error')` listener to its stream. The first error
 * (`EPIPE` when piped into `head`) disables the sink quietly instead of crashing the app; the
 * records it would have printed are counted in `dropped.disabled`. The listener is removed at
 * shutdown. A stream that stops draining makes the sink drop output past 4 MiB unflushed.
 */
export class ConsoleSink implements SpanSink {
  readonly name = "console";
  readonly style: ConsoleStyle;
  readonly colors: boolean;

  private readonly _stream: NodeJS.WritableStream;
  private readonly _maxPendingTraces: number;
  private readonly _maxSpansPerTrace: number;
  private readonly _maxPendingSpans: number;
  private readonly _timeoutMs: number;
  private readonly _maxFieldLength: number;
  private readonly _traces: PendingTraces;
  private _listening = false;
  private _disabled = false;
  private _shutdown = false;
  private _needDrain = false;
  private readonly _stats: ConsoleSinkStats = {
    written: 0,
    tracesPrinted: 0,
    incomplete: { timeout: 0, flush: 0, traceLimit: 0, spanLimit: 0, pendingLimit: 0 },
    dropped: { disabled: 0, shutdown: 0, backpressure: 0, serializeError: 0 },
    pendingSpans: 0,
    disabled: false,
  };
  private readonly _onError = (err: unknown): void => {
    this._listening = false;
    this._disable(err);
  };
  private readonly _onDrain = (): void => {
    this._needDrain = false;
  };

  constructor(options: ConsoleSinkOptions = {}) {
    this._stream = options.stream ?? process.stdout;
    const isTTY = (this._stream as { isTTY?: boolean }).isTTY === true;
    if (options.style !== undefined && options.style !== "tree" && options.style !== "json") {
      throw new TypeError(`ConsoleSink: style must be "tree" or "json" (actual: ${String(options.style)})`);
    }
    this.style = options.style ?? (isTTY ? "tree" : "json");
    this.colors = shouldUseColors(this._stream as { isTTY?: boolean }, process.env, options.colors);
    this._maxPendingTraces = positiveInt("maxPendingTraces", options.maxPendingTraces, 1000);
    this._maxSpansPerTrace = positiveInt("maxSpansPerTrace", options.maxSpansPerTrace, 1000);
    this._maxPendingSpans = positiveInt("maxPendingSpans", options.maxPendingSpans, 10_000);
    this._timeoutMs = positiveInt("pendingTraceTimeoutMs", options.pendingTraceTimeoutMs, 30_000);
    this._traces = new PendingTraces(
      {
        maxPendingTraces: this._maxPendingTraces,
        maxSpansPerTrace: this._maxSpansPerTrace,
        maxPendingSpans: this._maxPendingSpans,
        timeoutMs: this._timeoutMs,
      },
      (records, reason) => this._print(records, reason),
      (e) => log.warn("ConsoleSink: pending-trace sweep failed", e),
    );
    this._maxFieldLength = positiveInt("maxFieldLength", options.maxFieldLength, DEFAULT_MAX_FIELD_LENGTH);
  }

  /**
   * The resolved style, colours and limits, plus the file descriptor of the stream, for the
   * processor's offload worker; `undefined` (not offloadable) unless the stream is
   * `process.stdout` or `process.stderr`.
   */
  workerSpec(): SinkWorkerSpec | undefined {
    const fd = this._stream === process.stdout ? 1 : this._stream === process.stderr ? 2 : undefined;
    if (fd === undefined) return undefined;
    const options = {
      fd,
      style: this.style,
      colors: this.colors,
      maxPendingTraces: this._maxPendingTraces,
      maxSpansPerTrace: this._maxSpansPerTrace,
      maxPendingSpans: this._maxPendingSpans,
      pendingTraceTimeoutMs: this._timeoutMs,
      maxFieldLength: this._maxFieldLength,
    };
    return { kind: "console", options };
  }

  /** A snapshot of the counters. */
  stats(): ConsoleSinkStats {
    return {
      ...this._stats,
      incomplete: { ...this._stats.incomplete },
      dropped: { ...this._stats.dropped },
      pendingSpans: this._traces.spans,
      disabled: this._disabled,
    };
  }

  async write(records: readonly CanonicalSpan[]): Promise<SinkResult> {
    if (this._shutdown) {
      this._stats.dropped.shutdown += records.length;
      return { ok: false, dropped: records.length, reason: "shutdown" };
    }
    if (this._disabled) {
      this._stats.dropped.disabled += records.length;
      return { ok: false, dropped: records.length, reason: "disabled" };
    }
    const before = { ...this._stats.dropped };
    try {
      if (this.style === "json") this._writeJson(records);
      else this._writeTree(records);
    } catch (e) {
      log.warn("ConsoleSink: unexpected error", e); // never reached by design; never thrown to the app
    }
    // Backpressure: wait (bounded) for a full stream to drain, unless it is so far behind that
    // this call already dropped output; waiting then would only slow the caller for nothing.
    if (this._stats.dropped.backpressure === before.backpressure) await this._waitDrain();
    // Report what this call lost (in tree style that can include spans buffered by earlier calls).
    const d = this._stats.dropped;
    const lost: Array<[string, number]> = [
      ["disabled", d.disabled - before.disabled],
      ["backpressure", d.backpressure - before.backpressure],
      ["serialize_error", d.serializeError - before.serializeError],
    ];
    let dropped = 0;
    let reason = "";
    for (const [name, count] of lost) {
      if (count <= 0) continue;
      dropped += count;
      if (reason === "") reason = name;
    }
    return dropped > 0 ? { ok: false, dropped, reason } : { ok: true };
  }

  /** Prints every buffered trace (marked incomplete) and waits, bounded, for the stream to drain. */
  async forceFlush(): Promise<void> {
    try {
      this._traces.printAll("flush");
    } catch (e) {
      log.warn("ConsoleSink: flush failed", e);
    }
    await this._waitDrain();
  }

  /** Flushes, then stops: later writes report `shutdown`. The stream is left open. Idempotent. */
  async shutdown(): Promise<void> {
    if (this._shutdown) return;
    await this.forceFlush();
    this._shutdown = true;
    this._traces.stop();
    this._unlisten();
  }

  // -------------------------------------------------------------------------------------------
  // Styles
  // -------------------------------------------------------------------------------------------

  private _writeJson(records: readonly CanonicalSpan[]): void {
    let out = "";
    for (const r of records) out += encodeConsoleJsonLine(r) + "\n";
    if (records.length > 0) this._emit(out, records.length);
  }

  private _writeTree(records: readonly CanonicalSpan[]): void {
    const now = Date.now();
    for (const r of records) this._traces.add(r, now);
    this._traces.schedule(now);
  }

  private _print(records: CanonicalSpan[], reason: IncompleteReason | undefined): void {
    if (reason !== undefined) this._stats.incomplete[reason]++;
    this._stats.tracesPrinted++;
    let text: string;
    try {
      text = renderTraceTree(records, {
        colors: this.colors,
        maxFieldLength: this._maxFieldLength,
        incomplete: reason === undefined ? undefined : INCOMPLETE_TEXT[reason],
      });
    } catch (e) {
      this._stats.dropped.serializeError += records.length;
      log.warn("ConsoleSink: could not render a trace", e);
      return;
    }
    this._emit(text, records.length);
  }

  // -------------------------------------------------------------------------------------------
  // Output
  // -------------------------------------------------------------------------------------------

  private _emit(text: string, records: number): void {
    if (this._disabled) {
      this._stats.dropped.disabled += records;
      return;
    }
    const s = this._stream as NodeJS.WritableStream & {
      destroyed?: boolean;
      writableEnded?: boolean;
      writableLength?: number;
    };
    if (s.destroyed === true || s.writableEnded === true) {
      this._disable(undefined);
      this._stats.dropped.disabled += records;
      return;
    }
    if (this._needDrain && typeof s.writableLength === "number" && s.writableLength > MAX_UNDRAINED_BYTES) {
      this._stats.dropped.backpressure += records;
      return;
    }
    this._listen();
    try {
      const ok = s.write(text);
      this._stats.written += records;
      if (ok === false && !this._needDrain) {
        this._needDrain = true;
        if (typeof s.once === "function") s.once("drain", this._onDrain);
      }
    } catch (e) {
      this._disable(e);
      this._stats.dropped.disabled += records;
    }
  }

  private _waitDrain(): Promise<void> {
    if (!this._needDrain || this._disabled) return Promise.resolve();
    const s = this._stream;
    const drained = new Promise<void>((resolve) => {
      const done = (): void => {
        s.removeListener("drain", done);
        s.removeListener("close", done);
        s.removeListener("error", done);
        resolve();
      };
      s.once("drain", done);
      s.once("close", done);
      s.once("error", done);
    });
    return withTimeout(drained, DRAIN_WAIT_MS, () => undefined);
  }

  private _listen(): void {
    if (this._listening || typeof this._stream.once !== "function") return;
    this._stream.once("error", this._onError);
    this._listening = true;
  }

  private _unlisten(): void {
    if (!this._listening) return;
    this._stream.removeListener("error", this._onError);
    this._stream.removeListener("drain", this._onDrain);
    this._listening = false;
  }

  private _disable(err: unknown): void {
    if (this._disabled) return;
    this._disabled = true;
    const code = (err as { code?: unknown } | undefined)?.code;
    // EPIPE is the normal end of `node app | head`: say it quietly. Anything else is worth a warning.
    if (err === undefined || code === "EPIPE") log.debug("ConsoleSink: stream closed, console output disabled");
    else log.warn("ConsoleSink: stream error, console output disabled", err);
    // Buffered traces can no longer be shown.
    this._stats.dropped.disabled += this._traces.clear();
  }
}
