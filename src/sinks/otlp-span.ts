/**
 * Canonical record → an OTel `ReadableSpan`-shaped object for the OTLP serializers (SPEC.md §5).
 *
 * The span keeps the original ids, parent, name, kind, times, status, events, links, resource
 * and scope, and carries the CURRENT GenAI semantic-convention keys (CONVENTIONS.md §1.3) for
 * every modeled field whatever convention the source used, `canonspan.*` keys for fields that
 * have no semconv key, then the record's extras as-is (extras never overwrite a mapped key).
 *
 * Times: the record holds ISO-8601 strings with microsecond precision, which convert back to
 * hr-time exactly (the nanosecond digits below the microsecond were already gone).
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type {
  CanonicalResource,
  CanonicalScope,
  CanonicalSpan,
  JsonObject,
  JsonValue,
  SpanKindName,
  SpanType,
  StatusCodeName,
} from "../model/record";
import { rawJsonOf } from "../read/raw-json";

/** Canonical provider (CONVENTIONS §8.3) → `gen_ai.provider.name` value; others pass through. */
const PROVIDER_TO_SEMCONV: Readonly<Record<string, string>> = {
  aws_bedrock: "aws.bedrock",
  azure_openai: "azure.ai.openai",
  azure_ai_inference: "azure.ai.inference",
  google_gemini: "gcp.gemini",
  google_vertex: "gcp.vertex_ai",
  mistral: "mistral_ai",
  xai: "x_ai",
  watsonx: "ibm.watsonx.ai",
};

/** The semconv `gen_ai.provider.name` value for a canonical provider name. */
export function providerToSemconv(provider: string): string {
  return Object.prototype.hasOwnProperty.call(PROVIDER_TO_SEMCONV, provider) ? PROVIDER_TO_SEMCONV[provider]! : provider;
}

/** `gen_ai.operation.name` for a span whose source named none, from its canonical type. */
const OPERATION_OF_TYPE: Partial<Record<SpanType, string>> = {
  LLM: "chat",
  EMBEDDING: "embeddings",
  TOOL: "execute_tool",
  AGENT: "invoke_agent",
  RETRIEVAL: "retrieval",
  WORKFLOW: "invoke_workflow",
};

const ISO = /^(\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** The last whole second parsed, and its epoch seconds: a span's times share it (`Date.parse` is most of the cost). */
let lastSecond = "";
let lastEpoch = 0;

/** ISO-8601 UTC (as the record writes it) → `[seconds, nanos]`; unparseable → `[0, 0]`. */
export function isoToHrTime(iso: string): HrTime {
  const m = ISO.exec(iso);
  if (!m) return [0, 0];
  const second = m[1]!;
  if (second !== lastSecond) {
    const ms = Date.parse(`${second}Z`);
    if (!Number.isFinite(ms)) return [0, 0];
    lastSecond = second;
    lastEpoch = Math.floor(ms / 1000);
  }
  const nanos = m[2] ? Number(m[2].padEnd(9, "0")) : 0;
  return [lastEpoch, nanos];
}

function hrDiff(a: HrTime, b: HrTime): HrTime {
  let s = b[0] - a[0];
  let n = b[1] - a[1];
  if (n < 0) {
    s -= 1;
    n += 1e9;
  }
  return s < 0 ? [0, 0] : [s, n];
}

/** `JSON.stringify` that returns undefined instead of throwing (cycles, BigInt, depth). */
export function safeJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/**
 * A JSON value as an OTel attribute value: primitives and homogeneous primitive arrays as-is,
 * anything else (objects, mixed arrays) as JSON text; `null` has no attribute form.
 */
export function toAttributeValue(v: JsonValue | undefined): AttributeValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) {
    const t = v.length > 0 ? typeof v[0] : "string";
    if ((t === "string" || t === "number" || t === "boolean") && v.every((x) => typeof x === t)) {
      return v as AttributeValue;
    }
  }
  return safeJson(v);
}

/** Strings stay text; other values become JSON (`gen_ai.tool.call.arguments` on spans is text). */
function textOrJson(v: JsonValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : safeJson(v);
}

type Attrs = Record<string, AttributeValue>;

function set(attrs: Attrs, key: string, value: AttributeValue | undefined): void {
  if (value !== undefined && !(key in attrs)) attrs[key] = value;
}

export function convertAttributes(src: JsonObject | undefined): Attributes {
  const out: Attrs = Object.create(null);
  if (!src) return out;
  for (const k of Object.keys(src)) set(out, k, toAttributeValue(src[k]));
  return out;
}

/** `maxTokens` → `max_tokens`, for request parameters without a named semconv key. */
function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

const PARAM_KEYS: Readonly<Record<string, string>> = {
  temperature: "gen_ai.request.temperature",
  maxTokens: "gen_ai.request.max_tokens",
  topP: "gen_ai.request.top_p",
  topK: "gen_ai.request.top_k",
  frequencyPenalty: "gen_ai.request.frequency_penalty",
  presencePenalty: "gen_ai.request.presence_penalty",
  stop: "gen_ai.request.stop_sequences",
  seed: "gen_ai.request.seed",
  n: "gen_ai.request.choice.count",
  outputType: "gen_ai.output.type",
};

function llmAttributes(r: CanonicalSpan, a: Attrs): void {
  const llm = r.llm;
  set(a, "gen_ai.operation.name", llm?.operation ?? OPERATION_OF_TYPE[r.type]);
  if (!llm) return;
  if (llm.provider) set(a, "gen_ai.provider.name", providerToSemconv(llm.provider));
  set(a, "gen_ai.request.model", llm.requestModel ?? (llm.responseModel ? undefined : llm.model));
  set(a, "gen_ai.response.model", llm.responseModel);
  const params = llm.parameters ?? {};
  for (const k of Object.keys(params)) {
    if (k === "stream" || k === "streaming") continue; // `gen_ai.request.stream` is set only when true, below
    const key = Object.prototype.hasOwnProperty.call(PARAM_KEYS, k) ? PARAM_KEYS[k]! : `gen_ai.request.${snakeCase(k)}`;
    set(a, key, toAttributeValue(params[k]));
  }
  if (llm.streaming === true) set(a, "gen_ai.request.stream", true); // absent means non-streaming (1.41)
  if (typeof llm.timeToFirstTokenMs === "number") set(a, "gen_ai.response.time_to_first_chunk", llm.timeToFirstTokenMs / 1000);
  set(a, "gen_ai.response.id", llm.responseId);
  if (llm.finishReasons?.length) set(a, "gen_ai.response.finish_reasons", llm.finishReasons);
  if (llm.systemInstructions) set(a, "gen_ai.system_instructions", safeJson(llm.systemInstructions));
  // Messages still in the JSON text they came in (raw-json.ts) are sent as that text.
  if (llm.inputMessages) set(a, "gen_ai.input.messages", rawJsonOf(r, llm.inputMessages) ?? safeJson(llm.inputMessages));
  if (llm.outputMessages) set(a, "gen_ai.output.messages", rawJsonOf(r, llm.outputMessages) ?? safeJson(llm.outputMessages));
  else if (llm.toolCalls?.length) set(a, "canonspan.llm.tool_calls", safeJson(llm.toolCalls));
  if (llm.toolDefinitions) set(a, "gen_ai.tool.definitions", safeJson(llm.toolDefinitions));
}

function usageAttributes(r: CanonicalSpan, a: Attrs): void {
  const u = r.usage;
  if (u) {
    set(a, "gen_ai.usage.input_tokens", u.inputTokens);
    set(a, "gen_ai.usage.output_tokens", u.outputTokens);
    set(a, "gen_ai.usage.cache_read.input_tokens", u.cacheReadTokens);
    set(a, "gen_ai.usage.cache_creation.input_tokens", u.cacheWriteTokens);
    set(a, "gen_ai.usage.reasoning.output_tokens", u.reasoningTokens);
    set(a, "canonspan.usage.total_tokens", u.totalTokens);
    set(a, "canonspan.usage.audio_input_tokens", u.audioInputTokens);
    set(a, "canonspan.usage.audio_output_tokens", u.audioOutputTokens);
    set(a, "canonspan.usage.aggregate", u.aggregate);
  }
  const c = r.cost;
  if (c) {
    set(a, "canonspan.cost.input_usd", c.inputUsd);
    set(a, "canonspan.cost.output_usd", c.outputUsd);
    set(a, "canonspan.cost.total_usd", c.totalUsd);
  }
}

function sectionAttributes(r: CanonicalSpan, a: Attrs): void {
  const t = r.tool;
  if (t) {
    set(a, "gen_ai.tool.name", t.name);
    set(a, "gen_ai.tool.call.id", t.callId);
    set(a, "gen_ai.tool.call.arguments", textOrJson(t.arguments));
    set(a, "gen_ai.tool.call.result", textOrJson(t.result));
    set(a, "gen_ai.tool.description", t.description);
    set(a, "gen_ai.tool.type", t.type);
  }
  const ag = r.agent;
  if (ag) {
    set(a, "gen_ai.agent.name", ag.name);
    set(a, "gen_ai.agent.id", ag.id);
    set(a, "gen_ai.agent.description", ag.description);
    set(a, "gen_ai.agent.version", ag.version);
  }
  set(a, "gen_ai.conversation.id", r.conversationId);
  const rt = r.retrieval;
  if (rt) {
    set(a, "gen_ai.retrieval.query.text", rt.query);
    if (rt.documents) set(a, "gen_ai.retrieval.documents", safeJson(rt.documents));
  }
  if (r.error || r.status.code === "ERROR") set(a, "error.type", r.error?.type ?? "_OTHER");
  // The message and stack travel in the `exception` event when there is one.
  if (r.error && !r.events.some((e) => e.name === "exception")) {
    set(a, "canonspan.error.message", r.error.message);
    set(a, "canonspan.error.stack", r.error.stack);
  }
  set(a, "session.id", r.sessionId);
  set(a, "user.id", r.userId);
}

function canonspanAttributes(r: CanonicalSpan, a: Attrs): void {
  set(a, "canonspan.schema", r.schema);
  set(a, "canonspan.type", r.type);
  set(a, "canonspan.sequence_id", r.sequenceId);
  set(a, "canonspan.rollout_id", r.rolloutId);
  set(a, "canonspan.attempt_id", r.attemptId);
  if (r.tags.length > 0) set(a, "canonspan.tags", r.tags);
  if (Object.keys(r.metadata).length > 0) set(a, "canonspan.metadata", safeJson(r.metadata));
  set(a, "canonspan.input", textOrJson(r.input));
  set(a, "canonspan.output", textOrJson(r.output));
  if (r.conventions.length > 0) set(a, "canonspan.conventions", r.conventions);
  if (Object.keys(r.sources).length > 0) set(a, "canonspan.sources", safeJson(r.sources));
  if (r.dropped.truncated?.length) set(a, "canonspan.truncated", r.dropped.truncated);
  if (r.dropped.errors && Object.keys(r.dropped.errors).length > 0) set(a, "canonspan.errors", safeJson(r.dropped.errors));
}

/**
 * The attributes of the outgoing span: semconv keys, then `canonspan.*`, then the extras.
 * A null-prototype object, so extras named `__proto__` or `toString` are plain keys.
 */
export function recordAttributes(r: CanonicalSpan): Attributes {
  const a: Attrs = Object.create(null);
  llmAttributes(r, a);
  usageAttributes(r, a);
  sectionAttributes(r, a);
  canonspanAttributes(r, a);
  for (const k of Object.keys(r.extras)) set(a, k, toAttributeValue(r.extras[k]));
  return a;
}

const KIND: Record<SpanKindName, number> = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 };
const STATUS: Record<StatusCodeName, number> = { UNSET: 0, OK: 1, ERROR: 2 };
const SAMPLED = 1;

/**
 * Shares one resource and one scope object per distinct value within a batch: the OTLP
 * serializers group spans by object identity.
 */
export class OtlpInterner {
  private readonly _resources = new Map<string, ReadableSpan["resource"]>();
  private readonly _byIdentity = new Map<CanonicalResource, ReadableSpan["resource"]>();
  private readonly _scopes = new Map<string, ReadableSpan["instrumentationScope"]>();

  resource(r: CanonicalResource): ReadableSpan["resource"] {
    const known = this._byIdentity.get(r); // records often share one resource object
    if (known) return known;
    const key = `${r.schemaUrl ?? ""}\u0000${safeJson(r.attributes) ?? ""}`;
    let out = this._resources.get(key);
    if (!out) {
      // The serializers read only `attributes` and `schemaUrl` of a Resource.
      out = { attributes: convertAttributes(r.attributes), schemaUrl: r.schemaUrl } as unknown as ReadableSpan["resource"];
      this._resources.set(key, out);
    }
    this._byIdentity.set(r, out);
    return out;
  }

  /** Distinct resources and scopes held. */
  get size(): number {
    return this._byIdentity.size + this._scopes.size;
  }

  scope(s: CanonicalScope): ReadableSpan["instrumentationScope"] {
    const key = `${s.name}\u0000${s.version ?? ""}\u0000${s.schemaUrl ?? ""}`;
    let out = this._scopes.get(key);
    if (!out) {
      out = { name: s.name, version: s.version, schemaUrl: s.schemaUrl };
      this._scopes.set(key, out);
    }
    return out;
  }
}

/** One canonical record as a `ReadableSpan` the OTLP serializers accept. May throw on a malformed record. */
export function toOtlpSpan(r: CanonicalSpan, interner: OtlpInterner): ReadableSpan {
  const ctx: SpanContext = { traceId: r.traceId, spanId: r.spanId, traceFlags: SAMPLED };
  const startTime = isoToHrTime(r.startTime);
  const endTime = isoToHrTime(r.endTime);
  const links: Link[] = r.links.map((l) => ({
    context: { traceId: l.traceId, spanId: l.spanId, traceFlags: SAMPLED },
    attributes: convertAttributes(l.attributes),
  }));
  return {
    name: r.name,
    kind: KIND[r.kind] ?? 0,
    spanContext: () => ctx,
    parentSpanContext: r.parentId ? { traceId: r.traceId, spanId: r.parentId, traceFlags: SAMPLED } : undefined,
    startTime,
    endTime,
    duration: hrDiff(startTime, endTime),
    ended: true,
    status: r.status.message ? { code: STATUS[r.status.code] ?? 0, message: r.status.message } : { code: STATUS[r.status.code] ?? 0 },
    attributes: recordAttributes(r),
    links,
    events: r.events.map((e) => ({ name: e.name, time: isoToHrTime(e.time), attributes: convertAttributes(e.attributes), droppedAttributesCount: 0 })),
    resource: interner.resource(r.resource),
    instrumentationScope: interner.scope(r.scope),
    droppedAttributesCount: r.dropped.attributes ?? 0,
    droppedEventsCount: r.dropped.events ?? 0,
    droppedLinksCount: r.dropped.links ?? 0,
  };
}
