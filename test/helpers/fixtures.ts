/**
 * Loads the golden fixtures captured from real instrumentation packages
 * (`test/fixtures/captured/<instrumentation>/<scenario>.json`, written by
 * `npm run capture:fixtures`) and revives their spans into SDK 2.x `ReadableSpan`s.
 *
 * Revived spans are deep-frozen, so a converter that mutates its input fails loudly in tests.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { HrTime, Link, SpanContext } from "@opentelemetry/api";
import { hrTimeDuration } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";
import type { SpanEventLike } from "../../src/read/span-input";

/** Folder holding one sub-folder per instrumentation. */
export const CAPTURED_DIR = join(__dirname, "..", "fixtures", "captured");

/** Instrumentation and scenario names are plain slugs: nothing can point outside CAPTURED_DIR. */
const NAME = /^[a-z0-9][a-z0-9.-]*$/;

type JsonAttributes = Record<string, unknown>;

/** A span as stored in a fixture file. */
export interface FixtureSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  traceFlags?: number;
  parentSpanId: string | null;
  startTime: [number, number];
  endTime: [number, number];
  status: { code: number; message?: string };
  attributes: JsonAttributes;
  events: Array<{ name: string; time: [number, number]; attributes: JsonAttributes; droppedAttributesCount?: number }>;
  links: Array<{ context: { traceId: string; spanId: string; traceFlags?: number }; attributes: JsonAttributes; droppedAttributesCount?: number }>;
  resource: { attributes: JsonAttributes };
  scope: { name: string; version?: string; schemaUrl?: string };
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

/** A log record as stored in a fixture file (the official OTel instrumentation's GenAI events). */
export interface FixtureLog {
  /** The record's `eventName`; null when the instrumentation put the name in the `event.name` attribute instead. */
  eventName: string | null;
  traceId: string | null;
  spanId: string | null;
  hrTime: [number, number];
  hrTimeObserved: [number, number];
  severityNumber: number | null;
  severityText: string | null;
  attributes: JsonAttributes;
  body: unknown;
  scope: { name: string; version?: string };
  droppedAttributesCount: number;
}

/** A fixture file as stored. */
export interface FixtureFile {
  instrumentation: string;
  /** `name@version` of the instrumentation package. */
  package: string;
  scenario: string;
  capturedWith: { node: string; sdk: string; packages: Record<string, string> };
  spans: FixtureSpan[];
  logs: FixtureLog[];
  notes?: string[];
}

/** A loaded fixture: revived spans (in end order), its log records, and the raw file. */
export interface LoadedFixture {
  spans: ReadableSpan[];
  logs: FixtureLog[];
  notes: string[];
  file: FixtureFile;
}

/** Values JSON cannot hold were stored tagged (see scripts/capture/serialize.mjs). */
function reviveValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveValue);
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    const v = value as Record<string, unknown>;
    if (keys.length === 1 && typeof v.$bytes === "string") return new Uint8Array(Buffer.from(v.$bytes, "base64"));
    if (keys.length === 1 && typeof v.$number === "string") return Number(v.$number);
    const out: Record<string, unknown> = {};
    for (const k of keys) Object.defineProperty(out, k, { value: reviveValue(v[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function attributes(attrs: JsonAttributes): ReadableSpan["attributes"] {
  return reviveValue(attrs ?? {}) as ReadableSpan["attributes"];
}

function hr(t: readonly [number, number]): HrTime {
  return [t[0], t[1]];
}

/** One stored span → a frozen SDK 2.x `ReadableSpan`. */
export function reviveSpan(s: FixtureSpan): ReadableSpan {
  const context: SpanContext = Object.freeze({ traceId: s.traceId, spanId: s.spanId, traceFlags: s.traceFlags ?? 1 });
  const parentSpanContext: SpanContext | undefined =
    s.parentSpanId === null ? undefined : { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: s.traceFlags ?? 1 };
  const events: TimedEvent[] = s.events.map((e) => ({
    name: e.name,
    time: hr(e.time),
    attributes: attributes(e.attributes),
    droppedAttributesCount: e.droppedAttributesCount ?? 0,
  }));
  const links: Link[] = s.links.map((l) => ({
    context: { traceId: l.context.traceId, spanId: l.context.spanId, traceFlags: l.context.traceFlags ?? 1 },
    attributes: attributes(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount ?? 0,
  }));
  const status = s.status.message === undefined ? { code: s.status.code } : { code: s.status.code, message: s.status.message };
  const span: ReadableSpan = {
    name: s.name,
    kind: s.kind,
    spanContext: () => context,
    parentSpanContext,
    startTime: hr(s.startTime),
    endTime: hr(s.endTime),
    duration: hrTimeDuration(hr(s.startTime), hr(s.endTime)),
    ended: true,
    status,
    attributes: attributes(s.attributes),
    events,
    links,
    // A real Resource (merge/getRawAttributes work); left unfrozen because it is the SDK's object.
    resource: resourceFromAttributes(attributes(s.resource.attributes)),
    instrumentationScope: { ...s.scope },
    droppedAttributesCount: s.droppedAttributesCount,
    droppedEventsCount: s.droppedEventsCount,
    droppedLinksCount: s.droppedLinksCount,
  };
  const { resource, ...rest } = span;
  deepFreeze(rest);
  return Object.freeze({ ...rest, resource });
}

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid fixture ${kind} name: ${JSON.stringify(name)}`);
}

/** Reads and parses one fixture file without reviving it. */
export function readFixtureFile(instrumentation: string, scenario: string): FixtureFile {
  checkName("instrumentation", instrumentation);
  checkName("scenario", scenario);
  return JSON.parse(readFileSync(join(CAPTURED_DIR, instrumentation, `${scenario}.json`), "utf8")) as FixtureFile;
}

/**
 * Loads `test/fixtures/captured/<instrumentation>/<scenario>.json`: spans revived as frozen
 * `ReadableSpan`s in end order, log records as stored (bodies revived), and the file's notes.
 * Throws when the file does not exist.
 */
export function loadFixture(instrumentation: string, scenario: string): LoadedFixture {
  const file = readFixtureFile(instrumentation, scenario);
  const logs = file.logs.map((l) => deepFreeze({ ...l, attributes: reviveValue(l.attributes) as JsonAttributes, body: reviveValue(l.body) }));
  return { spans: file.spans.map(reviveSpan), logs, notes: file.notes ?? [], file };
}

/** Every fixture on disk, sorted by instrumentation then scenario. */
export function listFixtures(): Array<{ instrumentation: string; scenario: string }> {
  const out: Array<{ instrumentation: string; scenario: string }> = [];
  for (const dir of readdirSync(CAPTURED_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory() || !NAME.test(dir.name)) continue;
    for (const f of readdirSync(join(CAPTURED_DIR, dir.name))) {
      const scenario = f.endsWith(".json") ? f.slice(0, -".json".length) : "";
      if (NAME.test(scenario)) out.push({ instrumentation: dir.name, scenario });
    }
  }
  return out.sort((a, b) => a.instrumentation.localeCompare(b.instrumentation) || a.scenario.localeCompare(b.scenario));
}

/**
 * The log records tied to `span` (same trace and span id), as the `SpanEventLike`s that
 * `toCanonicalSpan(span, { logEvents })` takes: `name` is the record's `eventName`, or its
 * `event.name` attribute when the instrumentation set only that (instrumentation-openai 0.21 does).
 */
export function logEventsFor(fixture: Pick<LoadedFixture, "logs">, span: ReadableSpan): SpanEventLike[] {
  const { traceId, spanId } = span.spanContext();
  return fixture.logs
    .filter((l) => l.spanId === spanId && l.traceId === traceId)
    .map((l) => {
      const attrName = l.attributes["event.name"];
      return { name: l.eventName ?? (typeof attrName === "string" ? attrName : ""), time: l.hrTime, attributes: l.attributes, body: l.body };
    });
}
