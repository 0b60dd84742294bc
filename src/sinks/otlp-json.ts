/**
 * Canonical record → OTLP/JSON text, directly (the `http/json` protocol of OtlpSink).
 *
 * The stock path maps each span to an object tree (`createExportTraceServiceRequest`) and then
 * `JSON.stringify`s the whole request: about 20 µs per span of the PERFORMANCE.md workload, the
 * largest cost of the OtlpSink pipeline. Here each record is written once, as soon as it is
 * built, as the JSON text of its OTLP span (its attributes are those of otlp-span.ts, so both
 * protocols carry the same keys); a request only concatenates those texts under their resource
 * and scope. The output follows the stock `JsonTraceSerializer` field for field (hex ids,
 * decimal-string nanosecond times, enums as numbers, `intValue`/`doubleValue` as the stock
 * `toAnyValue` picks them); a test compares the two on every fixture.
 */
import type { AttributeValue, Attributes } from "@opentelemetry/api";
import type { CanonicalResource, CanonicalScope, CanonicalSpan, JsonObject, SpanKindName, StatusCodeName } from "../model/record";
import { lineView, type LineBytes } from "./arena";
import { convertAttributes, isoToHrTime, recordAttributes } from "./otlp-span";
import { SEQUENCE_PLACEHOLDER } from "../serialize/jsonl";

/** One record as the JSON text of its OTLP span, with what a request needs to group it. */
export interface OtlpJsonSpan {
  /** The span object's JSON text, or its UTF-8 bytes in the sink's arena (arena.ts) while it waits. */
  readonly text: string | LineBytes;
  /** UTF-8 size of `text`. */
  readonly bytes: number;
  /** JSON text of the OTLP resource object, and the `,"schemaUrl":…` member of its `resourceSpans` entry. */
  readonly resource: PartText;
  /** JSON text of the OTLP scope object, and the `,"schemaUrl":…` member of its `scopeSpans` entry. */
  readonly scope: PartText;
  readonly traceId: string;
  readonly spanId: string;
}

/** A resource's or scope's object text, and the `,"schemaUrl":…` member of its entry ("" without one). */
export interface PartText {
  readonly text: string;
  readonly schemaUrl: string;
}

const schemaUrlMember = (url: string | undefined): string => (url ? `,"schemaUrl":${str(url)}` : "");

/** OTLP `SpanKind` (the API's kind + 1; 0 is UNSPECIFIED). */
const KIND: Record<SpanKindName, number> = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
const STATUS: Record<StatusCodeName, number> = { UNSET: 0, OK: 1, ERROR: 2 };
/** W3C sampled flag with OTLP's HAS_IS_REMOTE bit, as the stock exporter writes for a local parent. */
const FLAGS = 0x101;
/** Distinct scopes whose text is kept (the cache is cleared past it). */
const MAX_SCOPES = 256;

const str = JSON.stringify as (s: string) => string;

/** `{"stringValue":…}` and its siblings: the stock `toAnyValue` for attribute values. */
function anyValue(v: AttributeValue | null | undefined): string {
  switch (typeof v) {
    case "string":
      return `{"stringValue":${str(v)}}`;
    case "number":
      return Number.isInteger(v) ? `{"intValue":${JSON.stringify(v)}}` : `{"doubleValue":${JSON.stringify(v)}}`;
    case "boolean":
      return v ? `{"boolValue":true}` : `{"boolValue":false}`;
    default:
      break;
  }
  if (Array.isArray(v)) {
    let out = "";
    for (let i = 0; i < v.length; i++) out += (i === 0 ? "" : ",") + anyValue(v[i] as AttributeValue);
    return `{"arrayValue":{"values":[${out}]}}`;
  }
  return "{}";
}

/** `{"key":…,"value":` per attribute key: keys repeat from span to span (bounded: cleared when full). */
const KEY_TEXT = new Map<string, string>();
const MAX_KEY_TEXTS = 4096;

function keyText(k: string): string {
  let t = KEY_TEXT.get(k);
  if (t === undefined) {
    t = `{"key":${str(k)},"value":`;
    if (KEY_TEXT.size >= MAX_KEY_TEXTS) KEY_TEXT.clear();
    KEY_TEXT.set(k, t);
  }
  return t;
}

/** The `attributes` array text of an attribute map. */
function attributesText(attrs: Attributes): string {
  let out = "";
  for (const k in attrs) out += `${out === "" ? "" : ","}${keyText(k)}${anyValue(attrs[k])}}`;
  return out;
}

function plainAttributesText(src: JsonObject | undefined): string {
  return src ? attributesText(convertAttributes(src)) : "";
}

/** ISO-8601 time of a record → OTLP's decimal nanoseconds since the epoch, as a JSON string. */
function nanosText(iso: string): string {
  const [s, n] = isoToHrTime(iso);
  return s === 0 ? `"${n}"` : `"${s}${String(n).padStart(9, "0")}"`;
}

/** Encodes records as {@link OtlpJsonSpan}s, keeping the texts of their resources and scopes. */
export class OtlpJsonEncoder {
  /** Records of one provider share one resource object: its text is built once. */
  private readonly _resources = new WeakMap<CanonicalResource, PartText>();
  private readonly _scopes = new Map<string, PartText>();

  /** One record as OTLP/JSON span text (sized in UTF-8 bytes unless `sized` is false: 0). May throw on a malformed record. */
  span(r: CanonicalSpan, sized = true): OtlpJsonSpan & { text: string } {
    let text = `{"traceId":${str(r.traceId)},"spanId":${str(r.spanId)}`;
    if (r.parentId) text += `,"parentSpanId":${str(r.parentId)}`;
    text += `,"name":${str(r.name)},"kind":${KIND[r.kind] ?? 0},"startTimeUnixNano":${nanosText(r.startTime)},"endTimeUnixNano":${nanosText(r.endTime)}`;
    text += `,"attributes":[${attributesText(recordAttributes(r))}],"droppedAttributesCount":${r.dropped.attributes ?? 0},"events":[`;
    const events = r.events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      text += `${i === 0 ? "" : ","}{"attributes":[${plainAttributesText(e.attributes)}],"name":${str(e.name)},"timeUnixNano":${nanosText(e.time)},"droppedAttributesCount":0}`;
    }
    text += `],"droppedEventsCount":${r.dropped.events ?? 0},"status":{"code":${STATUS[r.status.code] ?? 0}`;
    if (r.status.message) text += `,"message":${str(r.status.message)}`;
    text += `},"links":[`;
    const links = r.links;
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      text += `${i === 0 ? "" : ","}{"attributes":[${plainAttributesText(l.attributes)}],"spanId":${str(l.spanId)},"traceId":${str(l.traceId)},"droppedAttributesCount":0,"flags":${FLAGS}}`;
    }
    text += `],"droppedLinksCount":${r.dropped.links ?? 0},"flags":${FLAGS}}`;
    return { text, bytes: sized ? Buffer.byteLength(text, "utf8") : 0, resource: this._resource(r.resource), scope: this._scope(r.scope), traceId: r.traceId, spanId: r.spanId };
  }

  private _resource(res: CanonicalResource): PartText {
    let part = this._resources.get(res);
    if (part === undefined) {
      // The stock serializer writes a resource's schemaUrl both inside it and in its entry.
      const schemaUrl = schemaUrlMember(res.schemaUrl);
      part = { text: `{"attributes":[${plainAttributesText(res.attributes)}],"droppedAttributesCount":0${schemaUrl}}`, schemaUrl };
      this._resources.set(res, part);
    }
    return part;
  }

  private _scope(s: CanonicalScope): PartText {
    const key = `${s.name}\u0000${s.version ?? "\u0001"}\u0000${s.schemaUrl ?? "\u0001"}`;
    let scope = this._scopes.get(key);
    if (scope === undefined) {
      scope = {
        text: `{"name":${str(s.name)}${s.version !== undefined ? `,"version":${str(s.version)}` : ""}}`,
        // Unlike a resource's, the stock serializer keeps a scope's schemaUrl even when empty.
        schemaUrl: s.schemaUrl !== undefined ? `,"schemaUrl":${str(s.schemaUrl)}` : "",
      };
      if (this._scopes.size >= MAX_SCOPES) this._scopes.clear();
      this._scopes.set(key, scope);
    }
    return scope;
  }
}

/**
 * The body of one export request (`ExportTraceServiceRequest` as JSON, UTF-8) for `spans`,
 * grouped by resource, then scope, in first-seen order. Written piece by piece into one Buffer:
 * joining into one string first would widen the whole request to two-byte characters as soon
 * as one span holds a non-Latin-1 character.
 */
export function jsonRequest(spans: readonly OtlpJsonSpan[]): Uint8Array {
  // JSON text holds no raw newline: "\n" separates a scope's two texts in the key.
  const groups = new Map<string, { resource: PartText; scopes: Map<string, OtlpJsonSpan[]> }>();
  for (const s of spans) {
    let group = groups.get(s.resource.text);
    if (!group) groups.set(s.resource.text, (group = { resource: s.resource, scopes: new Map() }));
    const scopes = group.scopes;
    const key = `${s.scope.text}\n${s.scope.schemaUrl}`;
    const list = scopes.get(key);
    if (list) list.push(s);
    else scopes.set(key, [s]);
  }
  const pieces: Array<string | LineBytes> = [];
  let size = 0;
  const frame = (p: string): void => {
    pieces.push(p);
    size += Buffer.byteLength(p, "utf8");
  };
  frame('{"resourceSpans":[');
  let firstResource = true;
  for (const { resource, scopes } of groups.values()) {
    frame(`${firstResource ? "" : ","}{"resource":${resource.text},"scopeSpans":[`);
    firstResource = false;
    let firstScope = true;
    for (const list of scopes.values()) {
      const scope = list[0]!.scope;
      frame(`${firstScope ? "" : ","}{"scope":${scope.text},"spans":[`);
      firstScope = false;
      for (let i = 0; i < list.length; i++) {
        if (i > 0) frame(",");
        pieces.push(list[i]!.text);
        size += list[i]!.bytes;
      }
      frame(`]${scope.schemaUrl}}`);
    }
    frame(`]${resource.schemaUrl}}`);
  }
  frame("]}");
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  for (const p of pieces) off += typeof p === "string" ? buf.write(p, off, "utf8") : lineView(p).copy(buf, off);
  return off === size ? buf : buf.subarray(0, off);
}

/**
 * The `canonspan.sequence_id` attribute as encoded with the placeholder `sequenceId` the offload
 * share uses (jsonl.ts `SEQUENCE_PLACEHOLDER`, 16 digits, as long as any real id). Attribute keys
 * and string values are escaped, and the mapped attributes before it have fixed or prefixed
 * keys, so its first occurrence in a span's text is that attribute.
 */
const SEQUENCE_ATTRIBUTE = (n: number): string => `{"key":"canonspan.sequence_id","value":{"intValue":${n}}}`;
const PLACEHOLDER_ATTRIBUTE = SEQUENCE_ATTRIBUTE(SEQUENCE_PLACEHOLDER);

/** True when `span` carries the placeholder `sequenceId`. */
export function hasOtlpSequencePlaceholder(span: OtlpJsonSpan): boolean {
  return typeof span.text === "string" && span.text.indexOf(PLACEHOLDER_ATTRIBUTE) !== -1;
}

/** `span` with the placeholder `sequenceId` replaced by `n`, or `undefined` when it has none. */
export function withOtlpSequenceId(span: OtlpJsonSpan, n: number): OtlpJsonSpan | undefined {
  if (typeof span.text !== "string") return undefined;
  const from = PLACEHOLDER_ATTRIBUTE;
  const at = span.text.indexOf(from);
  if (at === -1) return undefined;
  const to = SEQUENCE_ATTRIBUTE(n);
  const text = span.text.slice(0, at) + to + span.text.slice(at + from.length);
  return { ...span, text, bytes: span.bytes - (from.length - to.length) };
}
