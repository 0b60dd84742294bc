/**
 * The app thread's share of the offload worker's work, as lines: when the worker is behind and
 * every sink is a file sink, the app thread converts, redacts and encodes a
 * chunk itself and posts the lines; the worker only numbers them (`sequenceId`, in posting
 * order, so numbering stays strictly increasing) and hands them to its lanes. A line crosses
 * threads far cheaper than a record's object tree.
 */
import type { CanonicalSpan } from "../../model/record";
import { hasSequencePlaceholder, SEQUENCE_PLACEHOLDER, withSequenceId } from "../../serialize/jsonl";
import type { RecordPipeline } from "../pipeline";
import { errorText } from "../../internal/errors";

/** Each lane's line (`null` where that lane's sink refused the record) with a placeholder `sequenceId`, and the ids it is numbered by. */
export interface EncodedRecord {
  lines: Array<string | null>;
  bytes: number[];
  rolloutId?: string;
  attemptId?: string;
}

/**
 * `record` (from `toRecord`) redacted and encoded by every lane's sink (the caller makes sure
 * every sink is a file sink), with a placeholder `sequenceId`. `null` when the record was
 * dropped (counted); `undefined` when a sink does not encode to text, or a line came out
 * without the placeholder (a record cut down by redaction), so the record itself must go to
 * the worker. Never throws.
 */
export function encodeHere(pipeline: RecordPipeline, record: CanonicalSpan, bytes: number): EncodedRecord | null | undefined {
  if (!pipeline.lanes.every((l) => l.encodes)) return undefined;
  record.sequenceId = SEQUENCE_PLACEHOLDER;
  const redacted = pipeline.redact(record);
  if (!redacted) return null;
  const out: EncodedRecord = { lines: [], bytes: [], rolloutId: redacted.rolloutId, attemptId: redacted.attemptId };
  for (const lane of pipeline.lanes) {
    const entry = lane.encodeOnly(redacted, bytes);
    const line = entry?.value;
    if (entry && (typeof line !== "string" || !hasSequencePlaceholder(line))) return undefined;
    out.lines.push(entry ? (line as string) : null);
    out.bytes.push(entry ? entry.bytes : 0);
  }
  return out;
}

/** Numbers a record from {@link encodeHere} and offers its lines to the lanes. Never throws. */
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
    const line = e.lines[i];
    if (typeof line !== "string") continue; // that sink refused the record (counted where it was encoded)
    const numbered = withSequenceId(line, seq);
    if (numbered === undefined) {
      pipeline.stats.drop(`sink_error:${lane.name}`, 1, "encoded line without its sequenceId placeholder");
      continue;
    }
    lane.offerEncoded(numbered.line, (e.bytes[i] ?? numbered.line.length) - numbered.shorter);
  }
}
