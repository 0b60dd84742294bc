/**
 * OpenInference (Arize) attributes (CONVENTIONS.md §2): `openinference.span.kind`, the `llm.*`
 * model, token, cost and flattened message keys, TOOL / EMBEDDING / RETRIEVER / RERANKER
 * keys, generic `input.value` / `output.value`, and the shared context keys (`metadata`,
 * `tag.tags`, `agent.name`, `graph.node.*`). Flattened content lives in
 * openinference-messages.ts. `session.id` / `user.id` are read by the generic rules.
 *
 * Not modeled (left in `extras`): prompt templates (`llm.prompt_template.*`, `prompt.*`), cost
 * details (`llm.cost.*_details.*`), `llm.token_count.prompt_details.cache_input`,
 * `tool.json_schema`, `graph.node.id` / `graph.node.parent_id`, `reranker.top_k`, audio keys,
 * annotations / evaluations, the legacy `llm.function_call`.
 */
import type { Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { JsonObject, JsonValue, SpanType } from "../model/record";
import { normalizeFinishReasons } from "../read/finish";
import { looksLikeJson, maybeJson, parseJsonText, setOwn } from "../read/json";
import type { SpanView } from "../read/span-view";
import { asBoolean, asCount, asJson, asNumber, asString, asStringList } from "../read/values";
import type { Convention } from "./convention";
import { isOpenAiAgentsHandoff } from "./openai-agents";
import {
  legacyTexts,
  openInferenceDocuments,
  openInferenceEmbeddings,
  openInferenceMessages,
  openInferenceTools,
  normalizeToolDefinition,
} from "./openinference-messages";

const KIND = "openinference.span.kind";

const KIND_TYPES: ReadonlyMap<string, SpanType> = new Map<string, SpanType>([
  ["llm", "LLM"],
  ["embedding", "EMBEDDING"],
  ["chain", "CHAIN"],
  ["retriever", "RETRIEVAL"],
  ["reranker", "RERANKER"],
  ["tool", "TOOL"],
  ["agent", "AGENT"],
  ["guardrail", "GUARDRAIL"],
  ["evaluator", "EVALUATOR"],
  ["prompt", "PROMPT"],
]);

/**
 * Keys that only OpenInference writes, by first segment with its dot (`"llm."`): a key is
 * checked against the prefixes of its own first segment only. An array, not a Map: iterating a
 * Map's entries allocates a pair per entry on every span.
 */
const DETECT: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["input.", ["input.value"]],
  ["output.", ["output.value"]],
  [
    "llm.",
    [
      "llm.model_name",
      "llm.request.model_name",
      "llm.response.model_name",
      "llm.input_messages.",
      "llm.output_messages.",
      "llm.token_count.",
      "llm.invocation_parameters",
      "llm.cost.",
      "llm.tools.",
      "llm.prompts",
      "llm.choices.",
      "llm.finish_reason",
      "llm.system",
      "llm.provider",
    ],
  ],
  ["embedding.", ["embedding."]],
  ["retrieval.", ["retrieval.documents."]],
  ["reranker.", ["reranker."]],
  ["tool.", ["tool.name", "tool.id"]],
  ["tool_call.", ["tool_call."]],
  ["tag.", ["tag.tags"]],
  ["graph.", ["graph.node."]],
];

/** Any OpenInference key: first segments are checked in O(1) before any prefix scan. */
function hasOpenInferenceKey(v: SpanView): boolean {
  for (const [segment, prefixes] of DETECT) {
    if (!v.hasPrefix(segment)) continue;
    for (const p of prefixes) if (v.hasPrefix(p)) return true;
  }
  return false;
}

/**
 * A value of `input.value` / `output.value` decoded by its mime type: JSON is parsed (also
 * JSON scalars when the mime type says JSON), text that looks like JSON is parsed, other
 * media types stay raw. Truncated or invalid JSON stays the raw string.
 */
export function valueByMime(raw: unknown, mime: string | undefined): JsonValue | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "string") return asJson(raw);
  const m = mime?.toLowerCase();
  if (m?.includes("json")) {
    if (looksLikeJson(raw)) {
      const r = parseJsonText(raw);
      return r.ok ? r.value : raw;
    }
    try {
      // Not an object/array/string: a JSON scalar (number, boolean, null) cannot nest.
      const v: unknown = JSON.parse(raw);
      return v === null || typeof v === "object" ? raw : (v as JsonValue);
    } catch {
      return raw;
    }
  }
  if (m && !m.startsWith("text/")) return raw;
  return maybeJson(raw) as JsonValue;
}

type ParamRule = readonly [string, Field, "num" | "list" | "str"];

/** Keys of `llm.invocation_parameters` with a canonical field (provider-native spellings). */
const INVOCATION_PARAMS: readonly ParamRule[] = [
  ["temperature", "llm.parameters.temperature", "num"],
  ["max_tokens", "llm.parameters.maxTokens", "num"],
  ["max_completion_tokens", "llm.parameters.maxTokens", "num"],
  ["max_output_tokens", "llm.parameters.maxTokens", "num"],
  ["maxOutputTokens", "llm.parameters.maxTokens", "num"],
  ["top_p", "llm.parameters.topP", "num"],
  ["topP", "llm.parameters.topP", "num"],
  ["top_k", "llm.parameters.topK", "num"],
  ["topK", "llm.parameters.topK", "num"],
  ["frequency_penalty", "llm.parameters.frequencyPenalty", "num"],
  ["presence_penalty", "llm.parameters.presencePenalty", "num"],
  ["stop", "llm.parameters.stop", "list"],
  ["seed", "llm.parameters.seed", "num"],
  ["n", "llm.parameters.n", "num"],
  ["reasoning_effort", "llm.parameters.reasoningEffort", "str"],
];

/**
 * Offers the canonical parameters, the streaming flag and the request model found in a
 * request-parameter map, and the whole map (minus what was modeled) as extra parameters.
 * Source ids are `<key>#<param>`.
 */
export function offerParameters(f: Facts, key: string, params: Record<string, JsonValue>, rules: readonly ParamRule[]): void {
  // Tool definitions are not parameters (OpenInference repeats them as `llm.tools.N.*`).
  const modeled = new Set<string>(["stream", "model", "tools", "functions"]);
  for (const [name, field, kind] of rules) {
    if (!Object.prototype.hasOwnProperty.call(params, name)) continue;
    const raw = params[name];
    const v = kind === "num" ? asNumber(raw) : kind === "list" ? asStringList(raw) : asString(raw);
    if (v === undefined) continue;
    f.add(field, `${key}#${name}`, v, [key]);
    modeled.add(name);
  }
  const reasoning = params.reasoning;
  if (reasoning && typeof reasoning === "object" && !Array.isArray(reasoning) && typeof reasoning.effort === "string") {
    f.add("llm.parameters.reasoningEffort", `${key}#reasoning.effort`, reasoning.effort, [key]);
  }
  f.add("llm.streaming", `${key}#stream`, asBoolean(params.stream), [key]);
  f.add("llm.requestModel", `${key}#model`, asString(params.model), [key]);
  const extra: JsonObject = {};
  for (const k of Object.keys(params)) if (!modeled.has(k) && params[k] !== null) setOwn(extra, k, params[k]);
  f.add("llm.parameters.extra", key, extra, [key]);
}

function extractModel(v: SpanView, f: Facts): void {
  f.add("llm.responseModel", "llm.model_name", v.str("llm.model_name"));
  f.add("llm.requestModel", "llm.request.model_name", v.str("llm.request.model_name"));
  f.add("llm.responseModel", "llm.response.model_name", v.str("llm.response.model_name"));
  f.add("llm.provider", "llm.provider", v.str("llm.provider"));
  f.add("llm.provider", "llm.system", v.str("llm.system"));
  const params = v.obj("llm.invocation_parameters");
  if (params) {
    offerParameters(f, "llm.invocation_parameters", params, INVOCATION_PARAMS);
    if (Array.isArray(params.tools)) {
      const defs = params.tools.map(normalizeToolDefinition).filter((t): t is JsonValue => t !== undefined);
      f.add("llm.toolDefinitions", "llm.invocation_parameters#tools", defs, ["llm.invocation_parameters"]);
    }
  }
  f.add("llm.finishReasons", "llm.finish_reason", normalizeFinishReasons(v.str("llm.finish_reason")));
  const input = openInferenceMessages(v, "llm.input_messages", "user");
  if (input) f.add("llm.inputMessages", "llm.input_messages", input.messages, input.keys);
  const output = openInferenceMessages(v, "llm.output_messages", "assistant");
  if (output) {
    // One output message and one finish reason: the reason belongs to that message.
    const fr = normalizeFinishReasons(v.str("llm.finish_reason"));
    if (output.messages.length === 1 && fr?.length === 1) output.messages[0]!.finish_reason = fr[0];
    f.add("llm.outputMessages", "llm.output_messages", output.messages, output.keys);
  }
  const prompts = legacyTexts(v, "llm.prompts", "prompt.text", "user");
  if (prompts) f.add("llm.inputMessages", "llm.prompts", prompts.messages, prompts.keys);
  const choices = legacyTexts(v, "llm.choices", "completion.text", "assistant");
  if (choices) f.add("llm.outputMessages", "llm.choices", choices.messages, choices.keys);
  const tools = openInferenceTools(v);
  if (tools) f.add("llm.toolDefinitions", "llm.tools", tools.tools, tools.keys);
}

const USAGE: ReadonlyArray<readonly [string, Field]> = [
  ["llm.token_count.prompt", "usage.inputTokens"],
  ["llm.token_count.completion", "usage.outputTokens"],
  ["llm.token_count.total", "usage.totalTokens"],
  ["llm.token_count.prompt_details.cache_read", "usage.cacheReadTokens"],
  ["llm.token_count.prompt_details.cache_write", "usage.cacheWriteTokens"],
  ["llm.token_count.prompt_details.audio", "usage.audioInputTokens"],
  ["llm.token_count.completion_details.reasoning", "usage.reasoningTokens"],
  ["llm.token_count.completion_details.audio", "usage.audioOutputTokens"],
];

function extractUsageAndCost(v: SpanView, f: Facts): void {
  if (v.hasPrefix("llm.token_count.")) for (const [key, field] of USAGE) f.add(field, key, asCount(v.get(key)));
  if (v.hasPrefix("llm.cost.")) {
    f.add("cost.totalUsd", "llm.cost.total", v.num("llm.cost.total"));
    f.add("cost.inputUsd", "llm.cost.prompt", v.num("llm.cost.prompt"));
    f.add("cost.outputUsd", "llm.cost.completion", v.num("llm.cost.completion"));
  }
}

function extractTool(v: SpanView, f: Facts, kind: string | undefined): void {
  // Tool keys describe the span itself only on TOOL spans (or spans with no kind at all).
  if (kind !== undefined && kind !== "tool") return;
  f.add("tool.name", "tool.name", v.str("tool.name"));
  f.add("tool.description", "tool.description", v.str("tool.description"));
  f.add("tool.callId", "tool.id", v.str("tool.id"));
  f.add("tool.callId", "tool_call.id", v.str("tool_call.id"));
  f.add("tool.name", "tool_call.function.name", v.str("tool_call.function.name"));
  f.add("tool.arguments", "tool_call.function.arguments", v.json("tool_call.function.arguments"));
  // `tool.parameters` is the schema by the spec; openinference-vercel writes arguments there.
  f.add("tool.arguments", "tool.parameters", v.json("tool.parameters"));
  if (kind === "tool") {
    f.add("tool.arguments", "input.value", valueByMime(v.get("input.value"), v.str("input.mime_type")), ["input.value", "input.mime_type"]);
    f.add("tool.result", "output.value", valueByMime(v.get("output.value"), v.str("output.mime_type")), ["output.value", "output.mime_type"]);
  }
}

function extractIo(v: SpanView, f: Facts, kind: string | undefined): void {
  const input = valueByMime(v.get("input.value"), v.str("input.mime_type"));
  f.add("input", "input.value", input, ["input.value", "input.mime_type"]);
  const output = valueByMime(v.get("output.value"), v.str("output.mime_type"));
  f.add("output", "output.value", output, ["output.value", "output.mime_type"]);
  // LLM spans: the provider response object carries the response id (Chat Completions, Responses).
  if (kind === "llm" && output && typeof output === "object" && !Array.isArray(output) && typeof output.id === "string") {
    if (Array.isArray(output.choices) || typeof output.object === "string") f.add("llm.responseId", "output.value#id", output.id, []);
  }
  if (kind === "retriever" || kind === "reranker") f.add("retrieval.query", "input.value", v.str("input.value"), ["input.value", "input.mime_type"]);
}

function extractContext(v: SpanView, f: Facts, kind: string | undefined): void {
  const raw = v.get("metadata");
  if (raw !== undefined) {
    const parsed = typeof raw === "string" ? maybeJson(raw) : raw;
    // Python-repr or other non-object metadata is kept raw under `metadata.metadata`.
    const meta = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : { metadata: parsed as JsonValue };
    f.add("metadata", "metadata", meta);
  }
  f.add("tags", "tag.tags", v.list("tag.tags"));
  f.add("agent.name", "agent.name", v.str("agent.name"));
  if (kind === "agent") f.add("agent.name", "graph.node.name", v.str("graph.node.name"));
  f.add("error.type", "exception.type", v.str("exception.type"));
  f.add("error.message", "exception.message", v.str("exception.message"));
  f.add("error.stack", "exception.stacktrace", v.str("exception.stacktrace"));
}

function extractEmbeddingRetrieval(v: SpanView, f: Facts): void {
  f.add("llm.requestModel", "embedding.model_name", v.str("embedding.model_name"));
  if (v.hasPrefix("embedding.")) {
    const params = v.obj("embedding.invocation_parameters");
    if (params) {
      f.add("llm.parameters.temperature", "embedding.invocation_parameters#temperature", asNumber(params.temperature));
      f.add("llm.parameters.extra", "embedding.invocation_parameters", params);
    }
    const e = openInferenceEmbeddings(v);
    if (e) {
      f.add("input", "embedding.embeddings", e.texts, e.keys);
      f.add("output", "embedding.embeddings", e.vectors, e.keys);
    }
  }
  const docs = openInferenceDocuments(v, "retrieval.documents");
  if (docs) f.add("retrieval.documents", "retrieval.documents", docs.documents, docs.keys);
  if (v.hasPrefix("reranker.")) {
    f.add("retrieval.query", "reranker.query", v.str("reranker.query"));
    f.add("llm.requestModel", "reranker.model_name", v.str("reranker.model_name"));
    const out = openInferenceDocuments(v, "reranker.output_documents");
    if (out) f.add("retrieval.documents", "reranker.output_documents", out.documents, out.keys);
    const inp = openInferenceDocuments(v, "reranker.input_documents");
    if (inp) f.add("retrieval.documents", "reranker.input_documents", inp.documents, inp.keys);
  }
}

export const openInference: Convention = {
  name: "openinference",
  detect(v) {
    return v.has(KIND) || hasOpenInferenceKey(v);
  },
  extract(v, f) {
    const kind = v.lower(KIND);
    // OpenAI Agents handoffs arrive as TOOL spans; the openai-agents mapper classifies them.
    if (kind && !(kind === "tool" && isOpenAiAgentsHandoff(v))) f.add("type", KIND, KIND_TYPES.get(kind));
    extractModel(v, f);
    extractUsageAndCost(v, f);
    extractTool(v, f, kind);
    extractIo(v, f, kind);
    extractContext(v, f, kind);
    extractEmbeddingRetrieval(v, f);
  },
};
