/**
 * Langfuse attribute namespace (CONVENTIONS.md §5; JS SDK v4–v5, Python SDK v3+): observation
 * type, model, usage and cost details, I/O, level, metadata, trace-level keys, prompt links and
 * the compat / `langfuse_*` identity keys. Usage details are additive in Langfuse (input
 * excludes cache tokens, output excludes reasoning): they are converted to inclusive counts.
 */
import type { Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { ChatMessage, JsonValue, SpanType } from "../model/record";
import { setOwn } from "../read/json";
import { normalizeMessage, normalizeMessages } from "../read/messages";
import type { SpanView } from "../read/span-view";
import { asNumber, asString, asStringList, isMeaningful } from "../read/values";
import type { Convention } from "./convention";
import { COST_KEY, extractLangfuseCost, extractLangfuseUsage, USAGE_KEY } from "./langfuse-usage";

const OBS = "langfuse.observation";
const PARAMS = `${OBS}.model.parameters`;

/** `langfuse.observation.type` → span type (§8.1 rule 1); `span` is not a type: fall through. */
const TYPES: Readonly<Record<string, SpanType>> = {
  generation: "LLM",
  embedding: "EMBEDDING",
  tool: "TOOL",
  agent: "AGENT",
  chain: "CHAIN",
  retriever: "RETRIEVAL",
  evaluator: "EVALUATOR",
  guardrail: "GUARDRAIL",
  event: "CHAIN",
};

/** Keys that mark a `span` observation as a generation (Python SDK ≤3.3 wrote generations as spans). */
const GENERATION_HINTS = [`${OBS}.model.name`, USAGE_KEY, COST_KEY, `${OBS}.completion_start_time`, PARAMS];

function typeOf(v: SpanView): SpanType | undefined {
  const t = v.lower(`${OBS}.type`);
  if (t === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(TYPES, t)) return TYPES[t];
  if (t === "span" && GENERATION_HINTS.some((k) => v.has(k))) return "LLM";
  return undefined;
}

type Obj = Record<string, JsonValue>;

/** Model parameters JSON: modeled names to their fields, the full map kept as extra parameters. */
const PARAM_FIELDS: ReadonlyArray<readonly [string, Field, string]> = [
  ["temperature", "llm.parameters.temperature", "temperature"],
  ["max_tokens", "llm.parameters.maxTokens", "max_tokens"],
  ["maxTokens", "llm.parameters.maxTokens", "max_tokens"],
  ["max_completion_tokens", "llm.parameters.maxTokens", "max_tokens"],
  ["top_p", "llm.parameters.topP", "top_p"],
  ["topP", "llm.parameters.topP", "top_p"],
];

/** Parameters with their own field (and `stream`, read as the streaming flag). */
const MODELED_PARAMS = new Set([...PARAM_FIELDS.map((p) => p[0]), "stream"]);

function extractModel(v: SpanView, f: Facts): void {
  const model = v.str(`${OBS}.model.name`);
  f.add("llm.requestModel", `${OBS}.model.name`, model);
  f.add("llm.model", `${OBS}.model.name`, model);
  const params = v.obj(PARAMS);
  if (params) {
    for (const [name, field, id] of PARAM_FIELDS) {
      if (Object.prototype.hasOwnProperty.call(params, name)) f.add(field, `${PARAMS}#${id}`, asNumber(params[name]));
    }
    const stream = params.stream;
    if (stream === true || stream === false || stream === "true" || stream === "false") {
      f.add("llm.streaming", `${PARAMS}#stream`, stream === true || stream === "true");
    }
    const rest: Obj = {};
    for (const k of Object.keys(params)) if (!MODELED_PARAMS.has(k)) setOwn(rest, k, params[k]);
    // The attribute is consumed whenever the parameters are used at all.
    f.add("llm.parameters.extra", PARAMS, rest);
  }
}

/** Completion start (ISO text, possibly JSON-quoted) relative to the span start → TTFT. */
function extractCompletionStart(v: SpanView, f: Facts, type: SpanType | undefined): void {
  const key = `${OBS}.completion_start_time`;
  const raw = v.json(key);
  const at = typeof raw === "string" ? Date.parse(raw) : typeof raw === "number" ? raw : NaN;
  const start = v.startTimeMs;
  if (!Number.isFinite(at) || start === undefined) return;
  const ms = at - start;
  // A start before the span or days after it is a clock or unit mix-up, not a TTFT.
  if (ms < 0 || ms > 86_400_000) return;
  f.add("llm.timeToFirstTokenMs", key, Math.round(ms * 1000) / 1000);
  if (type === "LLM" || type === undefined) f.add("llm.streaming", key, true, []);
}

/** Langfuse generation I/O is often a message list (input) and a message or text (output). */
function asMessages(v: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  if (!v.every((m) => !!m && typeof m === "object" && !Array.isArray(m) && typeof (m as Obj).role === "string")) return undefined;
  return normalizeMessages(v);
}

function extractIo(v: SpanView, f: Facts, type: SpanType | undefined): void {
  const input = v.json(`${OBS}.input`);
  const output = v.json(`${OBS}.output`);
  f.add("input", `${OBS}.input`, input);
  f.add("output", `${OBS}.output`, output);
  if (type === "TOOL") {
    f.add("tool.arguments", `${OBS}.input`, input);
    f.add("tool.result", `${OBS}.output`, output);
  } else if (type === "LLM") {
    // @langfuse/openai records the request as `{messages, tools?, tool_choice?}`.
    const list = input && typeof input === "object" && !Array.isArray(input) ? input.messages : input;
    f.add("llm.inputMessages", `${OBS}.input`, asMessages(list));
    let out = asMessages(output);
    if (!out && output && typeof output === "object" && !Array.isArray(output) && typeof output.role === "string") {
      const m = normalizeMessage(output, "assistant");
      out = m ? [m] : undefined;
    }
    if (!out && typeof output === "string") out = [{ role: "assistant", parts: [{ type: "text", content: output }] }];
    f.add("llm.outputMessages", `${OBS}.output`, out);
  }
}

/** Identity keys Langfuse reads from metadata (`langfuse_user_id` …). */
const META_IDENTITY: Readonly<Record<string, "userId" | "sessionId" | "tags">> = {
  langfuse_user_id: "userId",
  langfuse_session_id: "sessionId",
  langfuse_tags: "tags",
};

/**
 * `<prefix>` (JSON, or any value) and `<prefix>.<k>` (flattened, non-strings JSON text) → one
 * metadata object; `langfuse_*` identity keys go to their fields.
 */
function extractMetadata(v: SpanView, f: Facts, prefix: string, source: string): void {
  const meta: Record<string, JsonValue> = {};
  const keys: string[] = [];
  const whole = v.json(prefix);
  if (whole !== undefined) {
    if (whole && typeof whole === "object" && !Array.isArray(whole)) {
      for (const k of Object.keys(whole)) {
        const id = Object.prototype.hasOwnProperty.call(META_IDENTITY, k) ? META_IDENTITY[k] : undefined;
        if (id === "tags") f.add("tags", "langfuse.metadata.langfuse_tags", asStringList(whole[k]), [prefix]);
        else if (id) f.add(id, `${prefix}.${k}`, asString(whole[k]), [prefix]);
        else setOwn(meta, k, whole[k]);
      }
    } else {
      meta.metadata = whole;
    }
    keys.push(prefix);
  }
  for (const [sub, key] of v.prefixed(prefix)) {
    const id = Object.prototype.hasOwnProperty.call(META_IDENTITY, sub) ? META_IDENTITY[sub] : undefined;
    if (id === "tags") {
      f.add("tags", "langfuse.metadata.langfuse_tags", v.list(key), [key]);
    } else if (id) {
      f.add(id, `${prefix}.${sub}`, v.str(key));
    } else {
      const val = v.json(key);
      if (val === undefined) continue;
      setOwn(meta, sub, val);
      keys.push(key);
    }
  }
  if (keys.length > 0) f.add("metadata", source, meta, keys);
}

function extractPrompt(v: SpanView, f: Facts): void {
  for (const base of [`${OBS}.prompt`, "langfuse.prompt"]) {
    const name = v.str(`${base}.name`);
    if (name === undefined) continue;
    const meta: Record<string, JsonValue> = { promptName: name };
    const keys = [`${base}.name`];
    const version = v.get(`${base}.version`);
    if (version !== undefined) {
      meta.promptVersion = asNumber(version) ?? asString(version) ?? null;
      keys.push(`${base}.version`);
    }
    f.add("metadata", "langfuse.observation.prompt", meta, keys);
    return;
  }
}

function extractTraceAndIdentity(v: SpanView, f: Facts): void {
  f.add("agent.name", "langfuse.trace.name", v.str("langfuse.trace.name"));
  f.add("tags", "langfuse.trace.tags", v.list("langfuse.trace.tags"));
  f.add("tags", "langfuse.tags", v.list("langfuse.tags"));
  f.add("userId", "langfuse.user.id", v.str("langfuse.user.id"));
  f.add("sessionId", "langfuse.session.id", v.str("langfuse.session.id"));
  for (const k of ["environment", "release", "version"] as const) {
    const val = v.str(`langfuse.${k}`);
    if (val !== undefined) f.add("metadata", `langfuse.${k}`, { [k]: val });
  }
  if (v.hasPrefix(`${OBS}.metadata`)) extractMetadata(v, f, `${OBS}.metadata`, `${OBS}.metadata`);
  if (v.hasPrefix("langfuse.trace.metadata")) extractMetadata(v, f, "langfuse.trace.metadata", "langfuse.trace.metadata");
  if (v.hasPrefix("langfuse.metadata")) extractMetadata(v, f, "langfuse.metadata", "langfuse.metadata");
}

function extractLevel(v: SpanView, f: Facts): void {
  if (v.lower(`${OBS}.level`) !== "error") return;
  const message = v.str(`${OBS}.status_message`);
  f.add("status.error", `${OBS}.level`, message ?? "ERROR", message ? [`${OBS}.level`, `${OBS}.status_message`] : [`${OBS}.level`]);
}

/** Agent runs and steps carry the sum of their calls (Langfuse skips their usage for the same reason). */
const ROLLUP_OPERATIONS = new Set(["invoke_agent", "agent_step"]);

export const langfuse: Convention = {
  name: "langfuse",
  detect: (v) => v.hasPrefix("langfuse."),
  extract(v, f) {
    const type = typeOf(v);
    f.add("type", `${OBS}.type`, type);
    // A tool observation is named after its tool (`startObservation("get_weather", …, { asType: "tool" })`).
    if (type === "TOOL") f.add("tool.name", "rule:span-name", v.name, []);
    extractModel(v, f);
    extractLangfuseUsage(v, f);
    extractLangfuseCost(v, f);
    extractCompletionStart(v, f, type);
    extractIo(v, f, type);
    extractLevel(v, f);
    extractPrompt(v, f);
    extractTraceAndIdentity(v, f);
    const op = v.lower("gen_ai.operation.name");
    if (type === "AGENT" || (op !== undefined && ROLLUP_OPERATIONS.has(op))) {
      if (isMeaningful(v.get(USAGE_KEY))) f.add("usage.aggregate", "rule:aggregate", true, []);
    }
  },
};
