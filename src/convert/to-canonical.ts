/**
 * `toCanonicalSpan`: ReadableSpan → canonical record (SPEC.md §1). Pure, never throws, never
 * mutates the span. Each convention mapper and each record section is isolated: a failing
 * derivation degrades that one field and says why in `dropped.errors`; a failure of the whole
 * conversion still yields a minimal record.
 */
import { CONVENTIONS } from "../conventions/registry";
import { thrownText } from "../internal/errors";
import { Facts } from "../facts/facts";
import type { CanonicalSpan, ConventionName, JsonObject, SpanType } from "../model/record";
import { CONVENTION_NAMES } from "../model/record";
import { CleanContext } from "../read/clean";
import { setOwn, withFastProperties } from "../read/json";
import type { SpanEventLike, SpanInput } from "../read/span-input";
import { SpanView } from "../read/span-view";
import { toWellFormed } from "../read/strings";
import { hasOwnKeys } from "../read/values";
import { coreFields } from "./core-fields";
import { extractGenericRules } from "./generic-rules";
import { DEFAULT_MAX_RECORD_LENGTH, DEFAULT_MAX_STRING_LENGTH, type ConvertOptions } from "./options";
import { capRecordStrings } from "./record-cap";
import { Picker } from "./picker";
import { buildAgent, buildLlm, buildMetadata, buildRetrieval, buildTags, buildTool } from "./sections";
import { buildStatusAndError } from "./status";
import { buildCost, buildUsage } from "./usage";


export function toCanonicalSpan(span: SpanInput, options: ConvertOptions = {}): CanonicalSpan {
  const clean = new CleanContext(options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH);
  const errors: Record<string, string> = {};
  let record: CanonicalSpan;
  try {
    record = coreFields(span, clean);
  } catch (e) {
    return minimalRecord(span, thrownText(e));
  }
  try {
    derive(span, options.logEvents ?? [], record, clean, errors);
  } catch (e) {
    errors["*"] = thrownText(e);
  }
  const maxRecord = options.maxRecordLength;
  const cap = typeof maxRecord === "number" && maxRecord > 0 ? maxRecord : DEFAULT_MAX_RECORD_LENGTH;
  if (clean.chars > cap) {
    try {
      capRecordStrings(record, cap, clean.truncated);
    } catch (e) {
      errors["cap"] = thrownText(e);
    }
  }
  if (clean.truncated.length > 0) record.dropped.truncated = clean.truncated;
  if (hasOwnKeys(errors)) record.dropped.errors = errors;
  return record;
}

function derive(
  span: SpanInput,
  logEvents: readonly SpanEventLike[],
  record: CanonicalSpan,
  clean: CleanContext,
  errors: Record<string, string>,
): void {
  const view = new SpanView(span, logEvents);
  const facts = new Facts();
  let detected = false;
  for (const c of CONVENTIONS) {
    try {
      if (!c.detect(view)) continue;
      detected = true;
      facts.current = c.name;
      c.extract(view, facts);
    } catch (e) {
      errors[`convention:${c.name}`] = thrownText(e);
    }
  }
  facts.current = undefined;
  try {
    extractGenericRules(view, facts);
  } catch (e) {
    errors["rules"] = thrownText(e);
  }

  const p = new Picker(facts);
  const type = (guard(errors, "type", pickType, p) as SpanType | undefined) ?? (detected ? "CHAIN" : "OTHER");
  record.type = type;
  if (p.has("llm") || type === "LLM" || type === "EMBEDDING") record.llm = owned(clean, "llm", guard(errors, "llm", buildLlm, p, type));
  if (p.has("usage")) record.usage = guard(errors, "usage", buildUsage, p, type);
  if (p.has("cost")) record.cost = guard(errors, "cost", buildCost, p);
  if (p.has("tool") && type !== "LLM" && type !== "EMBEDDING") record.tool = owned(clean, "tool", guard(errors, "tool", buildTool, p));
  if (p.has("agent")) record.agent = owned(clean, "agent", guard(errors, "agent", buildAgent, p));
  if (p.has("retrieval")) record.retrieval = owned(clean, "retrieval", guard(errors, "retrieval", buildRetrieval, p, type));
  record.input = owned(clean, "input", guard(errors, "input", pickInput, p));
  record.output = owned(clean, "output", guard(errors, "output", pickOutput, p));
  guard(errors, "identity", assignIdentity, p, record, clean);
  record.tags = (guard(errors, "tags", buildTags, p) ?? []).map((t) => clean.str(t, "tags"));
  record.metadata = clean.owned(guard(errors, "metadata", buildMetadata, p) ?? {}, "metadata") as JsonObject;
  guard(errors, "status", buildStatusAndError, p, record, clean);

  const conventions: ConventionName[] = [];
  for (const name of CONVENTION_NAMES) if (p.conventions.has(name)) conventions.push(name);
  record.conventions = conventions;
  // A copy with fast properties: the picker's object is a slow dictionary once it holds more
  // than ~16 paths (see withFastProperties); ~0.35 µs here saves ~0.7 µs in every stringify.
  record.sources = record.llm === undefined && p.has("llm") ? withoutSection(p.sources, "llm.") : { ...p.sources };
  record.extras = extrasOf(view, p.consumed, clean);
}

/**
 * Runs one record section's builder: a throw degrades only that section, recorded in `errors`.
 * Builders are module functions with their arguments passed through (no closure per section
 * and span, which cost ~0.5 KB of garbage per record).
 */
function guard<A, B, C, T>(errors: Record<string, string>, name: string, build: (a: A, b: B, c: C) => T, a: A, b?: B, c?: C): T | undefined {
  try {
    return build(a, b as B, c as C);
  } catch (e) {
    errors[name] = thrownText(e);
    return undefined;
  }
}

/** A derived value cleaned for the record (undefined stays undefined). */
function owned<T>(clean: CleanContext, path: string, value: T | undefined): T | undefined {
  return value === undefined ? undefined : (clean.owned(value, path) as T);
}

function pickType(p: Picker): unknown {
  return p.pick("type");
}
function pickInput(p: Picker): CanonicalSpan["input"] {
  return p.pick("input") as CanonicalSpan["input"];
}
function pickOutput(p: Picker): CanonicalSpan["output"] {
  return p.pick("output") as CanonicalSpan["output"];
}

/** Session, conversation, user, rollout and attempt ids. */
function assignIdentity(p: Picker, record: CanonicalSpan, clean: CleanContext): void {
  const session = p.pick("sessionId");
  const conversation = p.pick("conversationId");
  const user = p.pick("userId");
  if (typeof session === "string") record.sessionId = clean.str(session, "sessionId");
  if (typeof conversation === "string") record.conversationId = clean.str(conversation, "conversationId");
  if (typeof user === "string") record.userId = clean.str(user, "userId");
  // Langfuse falls back from session to conversation id and back (CONVENTIONS §8.9).
  if (!record.sessionId && record.conversationId) {
    record.sessionId = record.conversationId;
    p.setSource("sessionId", "rule:conversation-id");
  } else if (!record.conversationId && record.sessionId && typeof conversation !== "string") {
    record.conversationId = record.sessionId;
    p.setSource("conversationId", "rule:session-id");
  }
  const rollout = p.pick("rolloutId");
  const attempt = p.pick("attemptId");
  if (typeof rollout === "string") record.rolloutId = clean.str(rollout, "rolloutId");
  if (typeof attempt === "string") record.attemptId = clean.str(attempt, "attemptId");
}

/**
 * Provenance only for fields the record has: `llm` facts can be read and then the section left
 * out (an operation name alone on a non-LLM span). Rebuilt rather than `delete`d.
 */
function withoutSection(sources: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const path of Object.keys(sources)) {
    if (path.startsWith(prefix)) continue;
    out[path] = sources[path]!;
    count++;
  }
  return withFastProperties(out, count);
}

/** Every attribute that no modeled field consumed, key → original value (cleaned). */
function extrasOf(view: SpanView, consumed: ReadonlySet<string>, clean: CleanContext): JsonObject {
  const out: JsonObject = {};
  let count = 0;
  for (const k of view.keys) {
    if (consumed.has(k)) continue;
    const v = view.attrs[k];
    if (v === undefined) continue;
    setOwn(out, toWellFormed(k), clean.valueAt(v, "extras.", k));
    count++;
  }
  return withFastProperties(out, count);
}

/** The record of last resort, when even the core fields could not be read. */
function minimalRecord(span: SpanInput, reason: string): CanonicalSpan {
  const epoch = "1970-01-01T00:00:00.000000Z";
  let name = "";
  try {
    name = toWellFormed(String(span?.name ?? ""));
  } catch {
    /* keep "" */
  }
  return {
    schema: "canonspan/v1",
    traceId: "0".repeat(32),
    spanId: "0".repeat(16),
    parentId: null,
    name,
    kind: "INTERNAL",
    type: "OTHER",
    status: { code: "UNSET" },
    startTime: epoch,
    endTime: epoch,
    durationMs: 0,
    tags: [],
    metadata: {},
    extras: {},
    events: [],
    links: [],
    resource: { attributes: {} },
    scope: { name: "" },
    conventions: [],
    sources: {},
    dropped: { errors: { "*": reason } },
  };
}
