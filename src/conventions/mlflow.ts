/**
 * MLflow tracing attributes (CONVENTIONS.md §6.1; Python and TS `mlflow-tracing`). Every value
 * MLflow sets is JSON-encoded, sometimes twice: all reads go through `view.mlflow`.
 * OpenAI-format autolog spans carry the request kwargs in `mlflow.spanInputs` and the response
 * object in `mlflow.spanOutputs`; TOOL spans carry the function's arguments and result.
 */
import type { Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { ChatMessage, JsonValue, SpanType } from "../model/record";
import { normalizeInstructions, normalizeMessage, normalizeMessages } from "../read/messages";
import type { SpanView } from "../read/span-view";
import { asCount, asNumber, asString, asStringList } from "../read/values";
import type { Convention } from "./convention";
import { toToolDefinition } from "./vercel-ai-messages";

/** `mlflow.spanType` → span type (§8.1 rule 3); UNKNOWN and custom strings fall through. */
const TYPES: Readonly<Record<string, SpanType>> = {
  LLM: "LLM",
  CHAT_MODEL: "LLM",
  EMBEDDING: "EMBEDDING",
  TOOL: "TOOL",
  AGENT: "AGENT",
  CHAIN: "CHAIN",
  WORKFLOW: "WORKFLOW",
  TASK: "TASK",
  RETRIEVER: "RETRIEVAL",
  RERANKER: "RERANKER",
  GUARDRAIL: "GUARDRAIL",
  EVALUATOR: "EVALUATOR",
  MEMORY: "MEMORY",
  PARSER: "CHAIN",
};

type Obj = Record<string, JsonValue>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
function own(o: Obj, k: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function typeOf(v: SpanView): SpanType | undefined {
  const raw = asString(v.mlflow("mlflow.spanType"));
  if (raw === undefined) return undefined;
  const t = raw.toUpperCase();
  return Object.prototype.hasOwnProperty.call(TYPES, t) ? TYPES[t] : undefined;
}

/** Request kwargs of an OpenAI-format call: `[kwarg, field, source suffix]`. */
const REQUEST_PARAMS: ReadonlyArray<readonly [string, Field, string]> = [
  ["temperature", "llm.parameters.temperature", "temperature"],
  ["max_tokens", "llm.parameters.maxTokens", "max_tokens"],
  ["max_completion_tokens", "llm.parameters.maxTokens", "max_tokens"],
  ["top_p", "llm.parameters.topP", "top_p"],
  ["seed", "llm.parameters.seed", "seed"],
  ["n", "llm.parameters.n", "n"],
];

function extractLlmInputs(f: Facts, inputs: Obj): void {
  const id = "mlflow.spanInputs";
  f.add("llm.inputMessages", `${id}#messages`, normalizeMessages(own(inputs, "messages")));
  // Anthropic-style kwargs keep the system prompt apart from the messages.
  f.add("llm.systemInstructions", `${id}#system`, normalizeInstructions(own(inputs, "system")));
  f.add("llm.requestModel", `${id}#model`, asString(own(inputs, "model")));
  for (const [name, field, suffix] of REQUEST_PARAMS) f.add(field, `${id}#${suffix}`, asNumber(own(inputs, name)));
  f.add("llm.parameters.stop", `${id}#stop`, asStringList(own(inputs, "stop")));
  const stream = own(inputs, "stream");
  if (typeof stream === "boolean") f.add("llm.streaming", `${id}#stream`, stream);
  f.add("llm.toolDefinitions", `${id}#tools`, toolDefinitions(own(inputs, "tools")));
}

function extractLlmOutputs(f: Facts, outputs: Obj): void {
  const id = "mlflow.spanOutputs";
  const choices = own(outputs, "choices");
  if (Array.isArray(choices)) {
    const msgs: ChatMessage[] = [];
    for (const c of choices) {
      const m = isObj(c) && isObj(c.message) ? normalizeMessage(c, "assistant") : undefined;
      if (m) msgs.push(m);
    }
    f.add("llm.outputMessages", `${id}#choices`, msgs);
  }
  f.add("llm.responseModel", `${id}#model`, asString(own(outputs, "model")));
  f.add("llm.responseId", `${id}#id`, asString(own(outputs, "id")));
}

function toolDefinitions(v: unknown): JsonValue[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.map(toToolDefinition).filter((d): d is JsonValue => d !== undefined);
  return out.length > 0 ? out : undefined;
}

const USAGE: ReadonlyArray<readonly [string, Field]> = [
  ["input_tokens", "usage.inputTokens"],
  ["output_tokens", "usage.outputTokens"],
  ["total_tokens", "usage.totalTokens"],
  ["cache_read_input_tokens", "usage.cacheReadTokens"],
  ["cache_creation_input_tokens", "usage.cacheWriteTokens"],
];

function extractUsageAndCost(v: SpanView, f: Facts): void {
  const usage = v.mlflow("mlflow.chat.tokenUsage");
  if (isObj(usage)) {
    for (const [k, field] of USAGE) f.add(field, `mlflow.chat.tokenUsage#${k}`, asCount(own(usage, k)));
  }
  const cost = v.mlflow("mlflow.llm.cost");
  if (isObj(cost)) {
    f.add("cost.inputUsd", "mlflow.llm.cost#input_cost", asNumber(own(cost, "input_cost")));
    f.add("cost.outputUsd", "mlflow.llm.cost#output_cost", asNumber(own(cost, "output_cost")));
    f.add("cost.totalUsd", "mlflow.llm.cost#total_cost", asNumber(own(cost, "total_cost")));
  }
}

/** `mlflow.traceTag.<k>` → metadata map, and `k:v` tags (MLflow-internal `mlflow.*` tags stay metadata only). */
function extractTraceTags(v: SpanView, f: Facts): void {
  const meta: Record<string, JsonValue> = {};
  const tags: string[] = [];
  const keys: string[] = [];
  for (const [sub, key] of v.prefixed("mlflow.traceTag")) {
    const val = v.mlflow(key) as JsonValue | undefined;
    if (val === undefined) continue;
    Object.defineProperty(meta, sub, { value: val, enumerable: true, configurable: true, writable: true });
    keys.push(key);
    if (!sub.startsWith("mlflow.")) {
      const s = asString(val);
      tags.push(s === undefined ? sub : `${sub}:${s}`);
    }
  }
  if (keys.length === 0) return;
  f.add("metadata", "mlflow.traceTag", meta, keys);
  f.add("tags", "mlflow.traceTag", tags, []);
}

/** TTFT of a streamed call: the first `mlflow.chunk.item.N` event relative to the span start. */
function extractFirstChunk(v: SpanView, f: Facts): void {
  const start = v.startTimeMs;
  if (start === undefined) return;
  let first: number | undefined;
  for (const e of v.events) {
    if (!e.name.startsWith("mlflow.chunk.item.")) continue;
    const t = Array.isArray(e.time) ? Number(e.time[0]) * 1000 + Number(e.time[1]) / 1e6 : NaN;
    if (Number.isFinite(t) && (first === undefined || t < first)) first = t;
  }
  if (first === undefined || first < start) return;
  f.add("llm.timeToFirstTokenMs", "rule:first-token-event", Math.round((first - start) * 1000) / 1000);
}

export const mlflow: Convention = {
  name: "mlflow",
  detect: (v) => v.hasPrefix("mlflow."),
  extract(v, f) {
    const type = typeOf(v);
    f.add("type", "mlflow.spanType", type);
    const inputs = v.mlflow("mlflow.spanInputs") as JsonValue | undefined;
    const outputs = v.mlflow("mlflow.spanOutputs") as JsonValue | undefined;
    f.add("input", "mlflow.spanInputs", inputs);
    f.add("output", "mlflow.spanOutputs", outputs);
    if (type === "LLM") {
      if (isObj(inputs)) extractLlmInputs(f, inputs);
      if (isObj(outputs)) extractLlmOutputs(f, outputs);
      extractFirstChunk(v, f);
    } else if (type === "TOOL") {
      f.add("tool.name", "mlflow.spanFunctionName", asString(v.mlflow("mlflow.spanFunctionName")));
      f.add("tool.name", "rule:mlflow-span-name", v.name);
      f.add("tool.arguments", "mlflow.spanInputs", inputs);
      f.add("tool.result", "mlflow.spanOutputs", outputs);
      f.add("tool.description", "mlflow.spanDescription", asString(v.mlflow("mlflow.spanDescription")));
    }
    f.add("llm.requestModel", "mlflow.llm.model", asString(v.mlflow("mlflow.llm.model")));
    f.add("llm.provider", "mlflow.llm.provider", asString(v.mlflow("mlflow.llm.provider")));
    f.add("llm.toolDefinitions", "mlflow.chat.tools", toolDefinitions(v.mlflow("mlflow.chat.tools")));
    f.add("llm.inputMessages", "mlflow.chat.messages", normalizeMessages(v.mlflow("mlflow.chat.messages")));
    extractUsageAndCost(v, f);
    if (v.hasPrefix("mlflow.traceTag.")) extractTraceTags(v, f);
  },
};
