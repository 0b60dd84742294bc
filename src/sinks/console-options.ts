/** Options and counters of the `ConsoleSink`, and the validation of its numeric options. */

export type ConsoleStyle = "tree" | "json";

/** Options of `ConsoleSink`. */
export interface ConsoleSinkOptions {
  /** `tree` (a tree per trace) or `json` (one JSON line per span). @default `tree` on a TTY, else `json` */
  style?: ConsoleStyle;
  /** Where to write. The sink never ends or closes it. @default process.stdout */
  stream?: NodeJS.WritableStream;
  /**
   * Force colours on or off. @default decided by `shouldUseColors`: `FORCE_COLOR`, then
   * `NO_COLOR`, then `TERM=dumb`, then whether the stream is a TTY.
   */
  colors?: boolean;
  /** Tree style: traces buffered at once; the least recently active is printed early beyond it. @default 1000 */
  maxPendingTraces?: number;
  /** Tree style: spans buffered for one trace; reaching it prints that trace early. @default 1000 */
  maxSpansPerTrace?: number;
  /** Tree style: spans buffered over all traces; beyond it the least recently active trace is printed early. @default 10000 */
  maxPendingSpans?: number;
  /** Tree style: a trace with no new span for this long is printed without its root. @default 30000 */
  pendingTraceTimeoutMs?: number;
  /** Tree style: cap of one displayed text field (name, model, error…), in characters. @default 200 */
  maxFieldLength?: number;
}

/** Counters of a `ConsoleSink`, cumulative since construction. */
export interface ConsoleSinkStats {
  /** Records whose output was handed to the stream. */
  written: number;
  /** Trees printed, complete or not. */
  tracesPrinted: number;
  /** Trees printed before their root ended, by reason. */
  incomplete: { timeout: number; flush: number; traceLimit: number; spanLimit: number; pendingLimit: number };
  /** Records not shown, by reason (`serializeError`: a tree that failed to render). */
  dropped: { disabled: number; shutdown: number; backpressure: number; serializeError: number };
  /** Records buffered now (tree style). */
  pendingSpans: number;
  /** True once a stream error (EPIPE: the reader went away) disabled the sink. */
  disabled: boolean;
}


/** `v`, or `dflt` when undefined; anything but a positive integer throws. */
export function positiveInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`ConsoleSink: ${name} must be a positive integer (actual: ${v})`);
  return v;
}
