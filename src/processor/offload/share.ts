/**
 * The app thread's share of the offload worker's work, encoded: when the worker is behind and
 * every sink encodes to plain data (FileSink lines, OtlpSink's OTLP/JSON spans), the app thread
 * converts, redacts and encodes a chunk itself and posts the encodings; the worker only numbers
 * them (`sequenceId`, in posting order, so numbering stays strictly increasing) and hands them
 * to its lanes. Text crosses threads far cheaper than a record's object tree, and the worker is
 * left with the writes.
 */
import type { CanonicalSpan } from "../../model/record";
import { hasSequencePlaceholder, SEQUENCE_PLACEHOLDER, withSequenceId } from "../../serialize/jsonl";
import { hasOtlpSequencePlaceholder, withOtlpSequenceId, type OtlpJsonSpan } from "../../sinks/otlp-json";
import { isRefusal } from "../lane";
import type { RecordPipeline } from "../pipeline";
import { errorText } from "../../internal/errors";

/** Each lane's encoding (`null` where that lane's sink refused the record) with a placeholder `sequenceId`, and the ids it is numbered by. */
export interface EncodedRecord {
  values: Array<string | OtlpJsonSpan | null>;
  bytes: number[];
  rolloutId?: string;
  attemptId?: string;
}

/** A value a sink encoded to plain data that can be numbered on the worker. */
type Numberable = string | OtlpJsonSpan;

function isOtlpJson(v: unknown): v is OtlpJsonSpan {
  return typeof v === "object" && v !== null && typeof (v as OtlpJsonSpan).text === "string" && typeof (v as OtlpJsonSpan).bytes === "number";
}

/** True when `v` is a JSONL line or an OTLP/JSON span that carries the placeholder `sequenceId`. */
function hasPlaceholder(v: unknown): v is Numberable {
  if (typeof v === "string") return hasSequencePlaceholder(v);
  return isOtlpJson(v) && hasOtlpSequencePlaceholder(v);
}

/** `v` numbered `n`, with its size (`bytes` before), or `undefined` when it has no placeholder. */
function numbered(v: unknown, bytes: number, n: number): { value: Numberable; bytes: number } | undefined {
  if (typeof v === "string") {
    const r = withSequenceId(v, n);
    return r && { value: r.line, bytes: bytes - r.shorter };
  }
  const r = isOtlpJson(v) ? withOtlpSequenceId(v, n) : undefined;
  return r && { value: r, bytes: r.bytes };
}

/**
 * What the app thread made of its share of a record (see {@link encodeHere}): its `encoded`
 * form, or, when some sink's encoding cannot be numbered on the worker (an `http/protobuf`
 * OtlpSink), the `redacted` record, which the worker numbers and delivers without redacting it
 * again.
 */
export type SharedRecord = { encoded: EncodedRecord } | { redacted: CanonicalSpan };

/**
 * `record` (from `toRecord`) redacted and encoded by every lane's sink, with a placeholder
 * `sequenceId`. `null` when the record was dropped (counted); `undefined` when some sink does not
 * encode at all (a custom sink): the record goes to the worker unredacted. A sink's refusal is
 * counted only once every lane's encoding is known to be numberable, so a record that goes to
 * the worker as `redacted` is counted there, once. Never throws.
 */
export function encodeHere(pipeline: RecordPipeline, record: CanonicalSpan, bytes: number): SharedRecord | null | undefined {
  if (!pipeline.lanes.every((l) => l.encodes)) return undefined;
  record.sequenceId = SEQUENCE_PLACEHOLDER;
  const redacted = pipeline.redact(record);
  if (!redacted) return null;
  const results = pipeline.lanes.map((lane) => lane.encodeOnly(redacted, bytes));
  for (const r of results) if (!isRefusal(r) && !hasPlaceholder(r?.value)) return { redacted };
  const out: EncodedRecord = { values: [], bytes: [], rolloutId: redacted.rolloutId, attemptId: redacted.attemptId };
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (isRefusal(r)) {
      pipeline.lanes[i]!.refuse(r);
      out.values.push(null);
      out.bytes.push(0);
    } else {
      out.values.push(r.value as Numberable);
      out.bytes.push(r.bytes);
    }
  }
  return { encoded: out };
}

/** Numbers a record from {@link encodeHere} and offers its encodings to the lanes. Never throws. */
export function deliverEncoded(pipeline: RecordPipeline, e: EncodedRecord): void {
  let seq: number;
  try {
    seq = pipeline.sequences.next(e.rolloutId, e.attemptId);
  } catch (err) {
    pipeline.stats.drop("convert_error", 1, errorText(err));
    return;
  }
  pipeline.stats.converted++;
  for (let i = 0; i < pipeline.lanes.length; i++) {
    const lane = pipeline.lanes[i]!;
    const value = e.values[i];
    if (value === null || value === undefined) continue; // that sink refused the record (counted where it was encoded)
    const done = numbered(value, e.bytes[i] ?? 0, seq);
    if (done === undefined) {
      pipeline.stats.drop(`sink_error:${lane.name}`, 1, "encoded record without its sequenceId placeholder");
      continue;
    }
    lane.offerEncoded(done.value, done.bytes);
  }
}
