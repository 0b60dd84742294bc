/**
 * OpenLLMetry / Traceloop (CONVENTIONS.md §3), legacy and current generations. The current
 * SDKs write OTel `gen_ai.*` keys, read by gen-ai.ts (including the legacy usage keys
 * `gen_ai.usage.prompt_tokens` etc. and the underscore cache keys); this mapper reads what is
 * Traceloop's own: decorator spans (`traceloop.span.kind`, `traceloop.entity.*`), the legacy
 * `llm.*` request / usage keys, association properties, and the flattened
 * `gen_ai.prompt.N.*` / `gen_ai.completion.N.*` content (openllmetry-messages.ts). Human-readable
 * `gen_ai.system` values (`OpenAI`, `Azure OpenAI`) are normalized centrally (read/provider.ts).
 *
 * Context keys copied onto every child span (`traceloop.workflow.name`, `traceloop.entity.path`,
 * association properties) never classify a span (§8.1 caveats). Not modeled (left in `extras`):
 * `traceloop.workflow.name`, `traceloop.entity.path` / `.version`, `traceloop.prompt.*`,
 * `traceloop.correlation.id`, `llm.headers`, Azure content-filter results, `gen_ai.openai.*`.
 */
import type { Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { JsonObject, JsonValue, SpanType } from "../model/record";
import { normalizeFinishReasons } from "../read/finish";
import { setOwn } from "../read/json";
import type { SpanView } from "../read/span-view";
import type { Convention } from "./convention";
import { openLlmetryMessages, requestFunctions } from "./openllmetry-messages";

const SPAN_KINDS: ReadonlyMap<string, SpanType> = new Map<string, SpanType>([
  ["workflow", "WORKFLOW"],
  ["task", "TASK"],
  ["agent", "AGENT"],
  ["tool", "TOOL"],
  ["session", "CHAIN"],
]);

/** `llm.request.type` → [span type, GenAI operation name]. */
const REQUEST_TYPES: ReadonlyMap<string, readonly [SpanType, string]> = new Map<string, readonly [SpanType, string]>([
  ["chat", ["LLM", "chat"]],
  ["completion", ["LLM", "text_completion"]],
  ["embedding", ["EMBEDDING", "embeddings"]],
  ["rerank", ["RERANKER", "rerank"]],
]);

/** Legacy `llm.*` keys that only OpenLLMetry writes. */
const LEGACY_KEYS = new Set([
  "llm.request.type",
  "llm.is_streaming",
  "llm.user",
  "llm.top_k",
  "llm.frequency_penalty",
  "llm.presence_penalty",
  "llm.chat.stop_sequences",
  "llm.request.reasoning_effort",
  "llm.request.repetition_penalty",
  "llm.response.finish_reason",
  "llm.response.stop_reason",
  "llm.headers",
]);

const PARAMS: ReadonlyArray<readonly [string, Field, "num" | "list" | "str"]> = [
  ["llm.top_k", "llm.parameters.topK", "num"],
  ["llm.frequency_penalty", "llm.parameters.frequencyPenalty", "num"],
  ["llm.presence_penalty", "llm.parameters.presencePenalty", "num"],
  ["llm.chat.stop_sequences", "llm.parameters.stop", "list"],
  ["llm.request.reasoning_effort", "llm.parameters.reasoningEffort", "str"],
];

const ASSOCIATION = "traceloop.association.properties";
const IDENTITY: ReadonlyMap<string, Field> = new Map<string, Field>([
  ["session_id", "sessionId"],
  ["user_id", "userId"],
  ["conversation_id", "conversationId"],
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Tool arguments from a decorator's `{"args":[…],"kwargs":{…}}` input: the kwargs when there
 * are any, else the single positional argument, else the positional list. Anything else (a
 * truncated JSON string, another shape) is returned as it is.
 */
export function unwrapEntityInput(v: JsonValue | undefined): JsonValue | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  if (!("args" in v) && !("kwargs" in v)) return v;
  const kwargs = v.kwargs;
  if (kwargs && typeof kwargs === "object" && !Array.isArray(kwargs) && Object.keys(kwargs).length > 0) return kwargs;
  const args = v.args;
  if (Array.isArray(args)) return args.length === 1 ? args[0] : args.length > 1 ? args : undefined;
  return undefined;
}

function extractEntity(v: SpanView, f: Facts): void {
  const kind = v.lower("traceloop.span.kind");
  if (kind) f.add("type", "traceloop.span.kind", SPAN_KINDS.get(kind));
  const name = v.str("traceloop.entity.name");
  // The entity name names a tool or an agent only on that decorator's own span.
  if (kind === "tool") f.add("tool.name", "traceloop.entity.name", name);
  if (kind === "agent") f.add("agent.name", "traceloop.entity.name", name);
  const input = v.json("traceloop.entity.input");
  f.add("input", "traceloop.entity.input", input);
  const output = v.json("traceloop.entity.output");
  f.add("output", "traceloop.entity.output", output);
  if (kind === "tool") {
    f.add("tool.arguments", "traceloop.entity.input", unwrapEntityInput(input));
    f.add("tool.result", "traceloop.entity.output", output);
  }
  if (input && typeof input === "object" && !Array.isArray(input)) {
    const kw = input.kwargs;
    if (kw && typeof kw === "object" && !Array.isArray(kw) && typeof kw.stream === "boolean") {
      f.add("llm.streaming", "traceloop.entity.input#stream", kw.stream, []);
    }
  }
}

function extractLlm(v: SpanView, f: Facts): void {
  const rt = v.lower("llm.request.type");
  const mapped = rt ? REQUEST_TYPES.get(rt) : undefined;
  if (mapped) {
    f.add("type", "llm.request.type", mapped[0]);
    f.add("llm.operation", "llm.request.type", mapped[1]);
  }
  for (const [key, field, kind] of PARAMS) f.add(field, key, kind === "num" ? v.num(key) : kind === "list" ? v.list(key) : v.str(key));
  const rep = v.num("llm.request.repetition_penalty");
  if (rep !== undefined) f.add("llm.parameters.extra", "llm.request.repetition_penalty", { repetition_penalty: rep });
  f.add("usage.totalTokens", "llm.usage.total_tokens", v.count("llm.usage.total_tokens"));
  f.add("usage.reasoningTokens", "llm.usage.reasoning_tokens", v.count("llm.usage.reasoning_tokens"));
  f.add("llm.streaming", "llm.is_streaming", v.bool("llm.is_streaming"));
  f.add("userId", "llm.user", v.str("llm.user"));
  for (const key of ["llm.response.finish_reason", "llm.response.stop_reason", "gen_ai.response.stop_reason"]) {
    f.add("llm.finishReasons", key, normalizeFinishReasons(v.str(key)));
  }
  const prompts = openLlmetryMessages(v, "gen_ai.prompt", "user");
  if (prompts) f.add("llm.inputMessages", "gen_ai.prompt.N", prompts.messages, prompts.keys);
  const completions = openLlmetryMessages(v, "gen_ai.completion", "assistant");
  if (completions) {
    f.add("llm.outputMessages", "gen_ai.completion.N", completions.messages, completions.keys);
    f.add("llm.finishReasons", "gen_ai.completion.N.finish_reason", normalizeFinishReasons(completions.finishReasons), completions.finishKeys);
  }
  const fns = requestFunctions(v);
  if (fns) f.add("llm.toolDefinitions", "llm.request.functions", fns.tools, fns.keys);
}

function extractAssociation(v: SpanView, f: Facts): void {
  if (!v.hasPrefix(ASSOCIATION + ".")) return;
  const meta: JsonObject = {};
  const keys: string[] = [];
  for (const [sub, key] of v.prefixed(ASSOCIATION)) {
    const field = IDENTITY.get(sub);
    if (field) {
      f.add(field, key, v.str(key));
      continue;
    }
    const val = v.get(key);
    if (val === undefined) continue;
    setOwn(meta, sub, (Array.isArray(val) ? [...val] : val) as JsonValue);
    keys.push(key);
  }
  f.add("metadata", ASSOCIATION, meta, keys);
}

export const openLlmetry: Convention = {
  name: "openllmetry",
  detect(v) {
    // First segments are checked in O(1); keys are scanned only when a segment matches.
    if (v.hasPrefix("traceloop.")) return true;
    if (v.hasPrefix("llm.")) {
      for (const k of LEGACY_KEYS) if (v.has(k)) return true;
      if (v.hasPrefix("llm.usage.") || v.hasPrefix("llm.request.functions.")) return true;
    }
    if (v.hasPrefix("gen_ai.prompt.") || v.hasPrefix("gen_ai.completion.")) {
      for (const k of v.keys) {
        if (k.startsWith("gen_ai.prompt.") && isDigit(k.charCodeAt(14))) return true;
        if (k.startsWith("gen_ai.completion.") && isDigit(k.charCodeAt(18))) return true;
      }
    }
    for (const e of v.events) if (e.name === "llm.content.completion.chunk") return true;
    return false;
  },
  extract(v, f) {
    extractEntity(v, f);
    extractLlm(v, f);
    extractAssociation(v, f);
  },
};
