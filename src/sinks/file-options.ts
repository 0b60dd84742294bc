/**
 * FileSink options: the interface with every default, and their validation. Bad values in
 * code are programming errors and throw at construction (never later, at write time).
 */
import nodePath from "node:path";

/** Options of `FileSink`. */
export interface FileSinkOptions {
  /** Path of the JSONL file, resolved against the working directory at construction. Required. */
  path: string;
  /**
   * Rotate when a write would take the file past this many bytes: `spans.jsonl` becomes
   * `spans.jsonl.1` (older ones shift up) and a new file starts. `Infinity` disables rotation.
   * Default 64 MiB.
   */
  maxFileBytes?: number;
  /** Files kept, the active one included (`spans.jsonl`, `spans.jsonl.1`, … `.<maxFiles-1>`); the oldest is deleted. Default 5. */
  maxFiles?: number;
  /** Permission bits of a file the sink creates, applied with `fchmod` whatever the umask (an existing file keeps its own). Default `0o600`. */
  mode?: number;
  /** Write every batch synchronously (`fs.writeSync`), e.g. on AWS Lambda where the process freezes between invocations. Default `false`. */
  sync?: boolean;
  /** A record whose line (newline included) is longer is dropped as `line_too_large`, never written in part. Default 8 MiB. */
  maxLineBytes?: number;
  /** After a failure, writes are dropped without touching the disk until this much time has passed, then the path is opened again. Default 1000 ms. */
  retryIntervalMillis?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;
export const DEFAULT_FILE_MODE = 0o600;
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_RETRY_INTERVAL_MILLIS = 1000;

export type ResolvedFileSinkOptions = Required<FileSinkOptions>;

function positive(name: string, v: number | undefined, dflt: number, integer: boolean): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || Number.isNaN(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new TypeError(`FileSink: ${name} must be a positive ${integer ? "integer" : "number"} (actual: ${String(v)})`);
  }
  return v;
}

/** Applies defaults; throws a `TypeError` naming the option for an invalid value. */
export function resolveFileSinkOptions(options: FileSinkOptions): ResolvedFileSinkOptions {
  if (!options || typeof options.path !== "string" || options.path === "") {
    throw new TypeError("FileSink: options.path must be a non-empty string");
  }
  const mode = options.mode ?? DEFAULT_FILE_MODE;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new TypeError(`FileSink: mode must be an integer permission mask (actual: ${String(mode)})`);
  }
  const retry = options.retryIntervalMillis ?? DEFAULT_RETRY_INTERVAL_MILLIS;
  if (typeof retry !== "number" || !(retry >= 0)) {
    throw new TypeError(`FileSink: retryIntervalMillis must be a number >= 0 (actual: ${String(retry)})`);
  }
  return {
    path: nodePath.resolve(options.path),
    maxFileBytes: positive("maxFileBytes", options.maxFileBytes, DEFAULT_MAX_FILE_BYTES, false),
    maxFiles: positive("maxFiles", options.maxFiles, DEFAULT_MAX_FILES, true),
    mode,
    sync: options.sync === true,
    maxLineBytes: positive("maxLineBytes", options.maxLineBytes, DEFAULT_MAX_LINE_BYTES, true),
    retryIntervalMillis: retry,
  };
}
