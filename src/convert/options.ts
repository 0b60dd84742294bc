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
}

export const DEFAULT_MAX_STRING_LENGTH = 65536;
