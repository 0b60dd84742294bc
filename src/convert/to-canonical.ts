/**
 * `toCanonicalSpan`: ReadableSpan → canonical record (SPEC.md §1). Pure, never throws, never
 * mutates the span. A failing derivation degrades that one field and says why in
 * `dropped.errors`; a failure of the whole conversion still yields a minimal record.
 */
import type { CanonicalSpan } from "../model/record";
import { CleanContext } from "../read/clean";
import type { SpanInput } from "../read/span-input";
import { coreFields } from "./core-fields";
import { DEFAULT_MAX_STRING_LENGTH, type ConvertOptions } from "./options";

export function toCanonicalSpan(span: SpanInput, options: ConvertOptions = {}): CanonicalSpan {
  const clean = new CleanContext(options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH);
  const core = coreFields(span, clean);
  const record: CanonicalSpan = {
    ...core,
    type: "OTHER",
    tags: [],
    metadata: {},
    extras: clean.attributes(span.attributes, "extras"),
    conventions: [],
    sources: {},
  };
  if (clean.truncated.length > 0) record.dropped.truncated = clean.truncated;
  return record;
}
