import { SPAN_KINDS, type SpanKindName } from "../model/record";

/** OTel `SpanKind` number → its name; anything unknown is `INTERNAL`. */
export function kindName(kind: unknown): SpanKindName {
  return (typeof kind === "number" && SPAN_KINDS[kind]) || "INTERNAL";
}
