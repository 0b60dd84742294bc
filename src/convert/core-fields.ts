/**
 * The fields every record has, read straight from the span (SPEC.md §1): ids, parent, kind,
 * status, times, events, links, resource, scope and the SDK's dropped counts.
 */
import type {
  CanonicalEvent,
  CanonicalLink,
  CanonicalSpan,
  StatusCodeName,
} from "../model/record";
import { SCHEMA_VERSION } from "../model/record";
import { kindName } from "../read/span-kind";
import type { CleanContext } from "../read/clean";
import type { SpanInput } from "../read/span-input";
import { hrDurationMs, hrTimeToIso } from "../read/time";

function isLowerHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** Lower-case hex of the expected length, else the all-zero id (invalid ids never pass through). */
export function hexId(v: unknown, length: 16 | 32): string {
  if (typeof v !== "string") return length === 32 ? ZERO_TRACE : ZERO_SPAN;
  if (v.length === length && isLowerHex(v)) return v;
  const s = v.toLowerCase();
  return s.length === length && isLowerHex(s) ? s : length === 32 ? ZERO_TRACE : ZERO_SPAN;
}

function parentIdOf(span: SpanInput): string | null {
  const raw = span.parentSpanContext?.spanId ?? span.parentSpanId;
  if (typeof raw !== "string" || raw === "") return null;
  const id = hexId(raw, 16);
  return id === ZERO_SPAN ? null : id;
}

const STATUS: readonly StatusCodeName[] = ["UNSET", "OK", "ERROR"];

/**
 * The record skeleton: every field that does not depend on a convention, plus empty derived
 * collections. Built as one literal so every record has the same shape (object spread and
 * later key additions in varying order cost several µs per record in V8).
 */
/**
 * A provider's spans share one Resource: its cleaned form is built once and shared by their
 * records (records are read-only to sinks; see SpanSink).
 */
const RESOURCES = new WeakMap<object, CanonicalSpan["resource"]>();

function resourceOf(span: SpanInput, clean: CleanContext): CanonicalSpan["resource"] {
  const res = span.resource;
  if (!res || typeof res !== "object") return { attributes: {} };
  const cached = RESOURCES.get(res);
  if (cached) return cached;
  const out: CanonicalSpan["resource"] = { attributes: clean.attributes(res.attributes, "resource.attributes") };
  if (typeof res.schemaUrl === "string" && res.schemaUrl) out.schemaUrl = clean.str(res.schemaUrl, "resource.schemaUrl");
  RESOURCES.set(res, out);
  return out;
}

export function coreFields(span: SpanInput, clean: CleanContext): CanonicalSpan {
  const ctx = typeof span.spanContext === "function" ? span.spanContext() : undefined;
  const status = span.status ?? { code: 0 };
  const statusCode = STATUS[status.code] ?? "UNSET";
  const scopeIn = span.instrumentationScope ?? span.instrumentationLibrary;

  const events: CanonicalEvent[] = [];
  for (const e of span.events ?? []) {
    events.push({
      name: clean.str(String(e.name ?? ""), "events.name"),
      time: hrTimeToIso(e.time ?? [0, 0]),
      attributes: clean.attributes(e.attributes, `events.${e.name}`),
    });
  }
  const links: CanonicalLink[] = [];
  for (const l of span.links ?? []) {
    links.push({
      traceId: hexId(l.context?.traceId, 32),
      spanId: hexId(l.context?.spanId, 16),
      attributes: clean.attributes(l.attributes, "links.attributes"),
    });
  }

  const dropped: CanonicalSpan["dropped"] = {};
  if (span.droppedAttributesCount) dropped.attributes = span.droppedAttributesCount;
  if (span.droppedEventsCount) dropped.events = span.droppedEventsCount;
  if (span.droppedLinksCount) dropped.links = span.droppedLinksCount;

  const start = span.startTime ?? [0, 0];
  const end = span.endTime ?? start;
  // Every field in SPEC §1 order. Optional ones start undefined (JSON leaves them out): lines
  // read in a stable order, and every record shares one object shape.
  const out: CanonicalSpan = {
    schema: SCHEMA_VERSION,
    traceId: hexId(ctx?.traceId, 32),
    spanId: hexId(ctx?.spanId, 16),
    parentId: parentIdOf(span),
    name: clean.str(String(span.name ?? ""), "name"),
    kind: kindName(span.kind),
    type: "OTHER",
    status: { code: statusCode },
    error: undefined,
    startTime: hrTimeToIso(start),
    endTime: hrTimeToIso(end),
    durationMs: hrDurationMs(start, end),
    sequenceId: undefined,
    rolloutId: undefined,
    attemptId: undefined,
    llm: undefined,
    usage: undefined,
    cost: undefined,
    tool: undefined,
    agent: undefined,
    retrieval: undefined,
    input: undefined,
    output: undefined,
    sessionId: undefined,
    userId: undefined,
    conversationId: undefined,
    tags: [],
    metadata: {},
    extras: {},
    events,
    links,
    resource: resourceOf(span, clean),
    scope: { name: clean.str(String(scopeIn?.name ?? ""), "scope.name") },
    conventions: [],
    sources: {},
    dropped,
  };
  if (status.message) out.status.message = clean.str(String(status.message), "status.message");
  if (scopeIn?.version) out.scope.version = clean.str(String(scopeIn.version), "scope.version");
  if (scopeIn?.schemaUrl) out.scope.schemaUrl = clean.str(String(scopeIn.schemaUrl), "scope.schemaUrl");
  return out;
}
