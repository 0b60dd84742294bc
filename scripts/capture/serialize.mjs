/**
 * Turns finished SDK spans and log records into the JSON fixture format read by
 * `test/helpers/fixtures.ts`, and writes fixture files.
 *
 * Attribute values are kept exactly as produced (strings stay strings, arrays stay arrays).
 * The only rewrites are for values JSON cannot hold: bytes become `{ "$bytes": "<base64>" }`,
 * `undefined` inside arrays becomes `null` (what JSON.stringify would do anyway), and
 * non-finite numbers become `{ "$number": "NaN" | "Infinity" | "-Infinity" }`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Deepest nesting copied from a log body; deeper values become the string "[depth]". */
const MAX_DEPTH = 32;

function hr(time) {
  return Array.isArray(time) ? [Number(time[0]), Number(time[1])] : null;
}

/** A JSON-safe copy of an attribute or log-body value. */
export function jsonValue(value, depth = 0) {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === "bigint") return value.toString();
  if (value === undefined) return null;
  if (depth >= MAX_DEPTH) return "[depth]";
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (Array.isArray(value)) return value.map((v) => jsonValue(v, depth + 1));
  if (typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = jsonValue(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

function attributes(attrs) {
  const out = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined) continue;
    out[k] = jsonValue(v);
  }
  return out;
}

function scopeOf(scope) {
  if (!scope) return { name: "" };
  const out = { name: scope.name };
  if (scope.version !== undefined) out.version = scope.version;
  if (scope.schemaUrl !== undefined) out.schemaUrl = scope.schemaUrl;
  return out;
}

/** One finished SDK 2.x `ReadableSpan` as a fixture span. */
export function serializeSpan(span) {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  const status = { code: span.status.code };
  if (span.status.message !== undefined) status.message = span.status.message;
  return {
    name: span.name,
    kind: span.kind,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    traceFlags: ctx.traceFlags,
    parentSpanId: parent ? parent.spanId : null,
    startTime: hr(span.startTime),
    endTime: hr(span.endTime),
    status,
    attributes: attributes(span.attributes),
    events: span.events.map((e) => ({
      name: e.name,
      time: hr(e.time),
      attributes: attributes(e.attributes),
      ...(e.droppedAttributesCount ? { droppedAttributesCount: e.droppedAttributesCount } : {}),
    })),
    links: span.links.map((l) => ({
      context: { traceId: l.context.traceId, spanId: l.context.spanId, traceFlags: l.context.traceFlags },
      attributes: attributes(l.attributes),
      ...(l.droppedAttributesCount ? { droppedAttributesCount: l.droppedAttributesCount } : {}),
    })),
    resource: { attributes: attributes(span.resource.attributes) },
    scope: scopeOf(span.instrumentationScope),
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    droppedEventsCount: span.droppedEventsCount ?? 0,
    droppedLinksCount: span.droppedLinksCount ?? 0,
  };
}

/** One SDK `ReadableLogRecord` as a fixture log (span/trace ids from its span context). */
export function serializeLog(record) {
  const out = {
    eventName: record.eventName ?? null,
    traceId: record.spanContext ? record.spanContext.traceId : null,
    spanId: record.spanContext ? record.spanContext.spanId : null,
    hrTime: hr(record.hrTime),
    hrTimeObserved: hr(record.hrTimeObserved),
    severityNumber: record.severityNumber ?? null,
    severityText: record.severityText ?? null,
    attributes: attributes(record.attributes),
    body: record.body === undefined ? null : jsonValue(record.body),
    scope: scopeOf(record.instrumentationScope),
    droppedAttributesCount: record.droppedAttributesCount ?? 0,
  };
  return out;
}

/**
 * The fixture document of one scenario. `packages` maps every package that shaped the spans to
 * its installed version; `notes` says what a reader would otherwise wonder about (e.g. why a
 * scenario has no span).
 */
export function fixtureDocument({ instrumentation, pkg, scenario, sdk, packages, spans, logs, notes }) {
  const doc = {
    instrumentation,
    package: pkg,
    scenario,
    capturedWith: { node: process.version, sdk, packages },
    spans: spans.map(serializeSpan),
    logs: logs.map(serializeLog),
  };
  if (notes && notes.length > 0) doc.notes = notes;
  return doc;
}

/** Writes `doc` as pretty JSON (trailing newline) at `file`, creating folders. */
export function writeFixture(file, doc) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
