import type { SpanEventLike } from "../read/span-input";

/** Options of `toCanonicalSpan`. */
export interface ConvertOptions {
  /**
   * GenAI events that arrived as log records tied to this span (the official OTel GenAI
   * instrumentation emits messages that way); the processor's log-record companion fills this.
   */
  logEvents?: readonly SpanEventLike[];
  /**
   * Longest string kept in a record, in UTF-16 code units; longer strings are cut (never inside
   * a surrogate pair), marked, and their paths listed in `dropped.truncated`.
   * @default 65536
   */
  maxStringLength?: number;
  /**
   * Most UTF-16 units of string content in one record (RELIABILITY.md's per-span cap): past it,
   * the longest strings are cut to one common length that brings the total under it (never below
   * 256 units), marked, and listed in `dropped.truncated`. Not a positive number: the default.
   * @default 1048576
   */
  maxRecordLength?: number;
}

export const DEFAULT_MAX_STRING_LENGTH = 65536;
export const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;
