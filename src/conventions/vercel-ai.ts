/**
 * Vercel AI SDK telemetry (CONVENTIONS.md §4): the legacy `ai.*` spans of v3–v6 and of v7's
 * `LegacyOpenTelemetry`, and what is specific to the v7 `@ai-sdk/otel` GenAI spans (their
 * `gen_ai.*` keys are read by gen-ai.ts; this mapper adds roll-up marking and the opt-in
 * supplemental `ai.*` keys). Messages live in vercel-ai-messages.ts, usage in vercel-ai-usage.ts.
 */
import type { Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { JsonValue, RetrievalDocument, SpanType } from "../model/record";
import { maybeJson } from "../read/json";
import type { SpanView } from "../read/span-view";
import { asNumber } from "../read/values";
import type { Convention } from "./convention";
import { extractAiSdkMessages } from "./vercel-ai-messages";
import { extractAiSdkUsage } from "./vercel-ai-usage";

/** Whole-call spans: they may run several steps, and their usage sums them. */
const ROOT_OPERATIONS = new Set(["ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject", "ai.workflowAgent.stream"]);

interface OperationFacts {
  type: SpanType;
  /** GenAI operation name of the call, for provider-call spans. */
  operation?: string;
  aggregate?: boolean;
}

/** Span role of an AI SDK operation id (§8.1 rule 7); undefined for ids that are not AI SDK's. */
export function aiOperationFacts(op: string): OperationFacts | undefined {
  if (ROOT_OPERATIONS.has(op)) return { type: "AGENT", aggregate: true };
  if (op.endsWith(".doGenerate") || op.endsWith(".doStream")) return { type: "LLM", operation: "chat" };
  if (op.endsWith(".doEmbed")) return { type: "EMBEDDING", operation: "embeddings" };
  switch (op) {
    case "ai.toolCall":
      return { type: "TOOL" };
    case "ai.embed":
    case "ai.embedMany":
      return { type: "CHAIN", aggregate: true };
    case "ai.rerank":
      return { type: "RERANKER" };
    case "ai.rerank.doRerank":
      return { type: "RERANKER", operation: "rerank" };
    // v7 audio operations are single provider calls without an inner span.
    case "ai.generateSpeech":
    case "ai.transcribe":
    case "ai.streamTranscribe":
      return { type: "LLM" };
  }
  return undefined;
}

/** `ai.operationId`, else the first word of `operation.name` (`"{operationId} {functionId}"`). */
function operationOf(v: SpanView): { op: string; source: string; keys: string[] } | undefined {
  const id = v.str("ai.operationId");
  const name = v.str("operation.name");
  const fromName = name === undefined ? undefined : name.split(" ", 1)[0];
  if (id !== undefined && aiOperationFacts(id)) {
    return { op: id, source: "ai.operationId", keys: fromName === id ? ["ai.operationId", "operation.name"] : ["ai.operationId"] };
  }
  if (fromName !== undefined && aiOperationFacts(fromName)) return { op: fromName, source: "operation.name", keys: ["operation.name"] };
  return undefined;
}

function extractOperation(v: SpanView, f: Facts): void {
  const found = operationOf(v);
  if (!found) return;
  const { op, source, keys } = found;
  const facts = aiOperationFacts(op)!;
  f.add("type", source, facts.type, keys);
  f.add("llm.operation", source, facts.operation, []);
  if (facts.aggregate) f.add("usage.aggregate", "rule:aggregate", true, []);
  if (op.startsWith("ai.streamText") || op.startsWith("ai.streamObject") || op === "ai.streamTranscribe") {
    f.add("llm.streaming", source, true, []);
  } else if (op.startsWith("ai.generateText") || op.startsWith("ai.generateObject")) {
    f.add("llm.streaming", source, false, []);
  }
}

/** `[settings name, field, reader]` for the modeled `ai.settings.*`; source id = the key. */
const SETTINGS: ReadonlyArray<readonly [string, Field, "num" | "list"]> = [
  ["temperature", "llm.parameters.temperature", "num"],
  ["maxOutputTokens", "llm.parameters.maxTokens", "num"],
  ["maxTokens", "llm.parameters.maxTokens", "num"],
  ["topP", "llm.parameters.topP", "num"],
  ["topK", "llm.parameters.topK", "num"],
  ["frequencyPenalty", "llm.parameters.frequencyPenalty", "num"],
  ["presencePenalty", "llm.parameters.presencePenalty", "num"],
  ["stopSequences", "llm.parameters.stop", "list"],
  ["seed", "llm.parameters.seed", "num"],
];
const MODELED_SETTINGS = new Set(SETTINGS.map((s) => s[0]));
/** Runtime context lives under `ai.settings.` too, but is user metadata, not a setting. */
const CONTEXT_PREFIXES = ["ai.settings.context", "ai.settings.runtimeContext"] as const;

function extractModelAndSettings(v: SpanView, f: Facts): void {
  f.add("llm.requestModel", "ai.model.id", v.str("ai.model.id"));
  f.add("llm.provider", "ai.model.provider", v.str("ai.model.provider"));
  f.add("llm.responseModel", "ai.response.model", v.str("ai.response.model"));
  f.add("llm.responseId", "ai.response.id", v.str("ai.response.id"));
  for (const key of ["ai.response.msToFirstChunk", "ai.stream.msToFirstChunk"]) {
    const ms = v.num(key);
    if (ms === undefined || ms < 0) continue;
    f.add("llm.timeToFirstTokenMs", key, ms);
    f.add("llm.streaming", key, true, []);
  }
  const extra: Record<string, JsonValue> = {};
  const extraKeys: string[] = [];
  if (v.hasPrefix("ai.settings.")) {
    for (const [sub, key] of v.prefixed("ai.settings")) {
      if (CONTEXT_PREFIXES.some((p) => key.startsWith(p + "."))) continue;
      if (MODELED_SETTINGS.has(sub)) continue;
      const val = v.json(key);
      if (val === undefined) continue;
      extra[sub] = val;
      extraKeys.push(key);
    }
    for (const [sub, field, kind] of SETTINGS) {
      const key = `ai.settings.${sub}`;
      f.add(field, key, kind === "num" ? v.num(key) : v.list(key));
    }
  }
  const toolChoice = v.json("ai.prompt.toolChoice");
  if (toolChoice !== undefined) {
    extra.toolChoice = toolChoice;
    extraKeys.push("ai.prompt.toolChoice");
  }
  if (extraKeys.length > 0) f.add("llm.parameters.extra", "ai.settings", extra, extraKeys);
}

const IDENTITY: Readonly<Record<string, Field>> = { sessionId: "sessionId", userId: "userId", conversationId: "conversationId" };

/** `<prefix>.<k>` map keys: identity keys to their fields, the rest (minus `skip`) to metadata. */
function extractMap(v: SpanView, f: Facts, prefix: string, skip: ReadonlySet<string>): void {
  const meta: Record<string, JsonValue> = {};
  const keys: string[] = [];
  for (const [sub, key] of v.prefixed(prefix)) {
    const field = Object.prototype.hasOwnProperty.call(IDENTITY, sub) ? IDENTITY[sub] : undefined;
    if (field) {
      f.add(field, key, v.str(key));
    } else if (sub === "tags") {
      f.add("tags", key, v.list(key));
    } else if (!skip.has(sub)) {
      const val = v.json(key);
      if (val === undefined) continue;
      Object.defineProperty(meta, sub, { value: val, enumerable: true, configurable: true, writable: true });
      keys.push(key);
    }
  }
  if (keys.length > 0) f.add("metadata", prefix, meta, keys);
}

/** `langfusePrompt` links a Langfuse prompt; it is not user metadata (§8.9). */
const METADATA_SKIP = new Set(["langfusePrompt"]);
const NO_SKIP = new Set<string>();

function extractIdentity(v: SpanView, f: Facts): void {
  const fn = v.str("ai.telemetry.functionId");
  if (fn !== undefined) {
    // The SDK repeats the function id as `resource.name`; consume it with the original.
    const keys = v.str("resource.name") === fn ? ["ai.telemetry.functionId", "resource.name"] : ["ai.telemetry.functionId"];
    f.add("agent.name", "ai.telemetry.functionId", fn, keys);
  }
  if (v.hasPrefix("ai.telemetry.metadata.")) extractMap(v, f, "ai.telemetry.metadata", METADATA_SKIP);
  if (v.hasPrefix("ai.settings.")) for (const p of CONTEXT_PREFIXES) extractMap(v, f, p, NO_SKIP);
}

function extractTool(v: SpanView, f: Facts): void {
  f.add("tool.name", "ai.toolCall.name", v.str("ai.toolCall.name"));
  f.add("tool.callId", "ai.toolCall.id", v.str("ai.toolCall.id"));
  f.add("tool.arguments", "ai.toolCall.args", v.json("ai.toolCall.args"));
  f.add("tool.arguments", "ai.toolCall.input", v.json("ai.toolCall.input"));
  f.add("tool.result", "ai.toolCall.result", v.json("ai.toolCall.result"));
  f.add("tool.result", "ai.toolCall.output", v.json("ai.toolCall.output"));
}

/** A list of JSON texts (`ai.values`, `ai.embeddings`, `ai.documents`) → parsed values. */
function jsonList(v: SpanView, key: string): JsonValue[] | undefined {
  const list = v.arr(key);
  return list?.map((x) => maybeJson(x) as JsonValue);
}

function documentOf(d: JsonValue | undefined): RetrievalDocument {
  if (typeof d === "string") return { content: d };
  if (d && typeof d === "object" && !Array.isArray(d)) {
    const content = d.content ?? d.text;
    if (typeof content === "string") return { content, metadata: d };
  }
  return d === undefined ? {} : { content: JSON.stringify(d) };
}

function extractEmbeddingAndRerank(v: SpanView, f: Facts): void {
  f.add("input", "ai.value", v.json("ai.value"));
  f.add("input", "ai.values", jsonList(v, "ai.values"));
  f.add("output", "ai.embedding", v.json("ai.embedding"));
  f.add("output", "ai.embeddings", jsonList(v, "ai.embeddings"));
  const docs = v.has("ai.documents") ? jsonList(v, "ai.documents") : undefined;
  const ranking = v.has("ai.ranking") ? jsonList(v, "ai.ranking") : undefined;
  if (ranking) {
    // Ranked output: `{index, relevanceScore}` pointing into the input documents.
    const out: Array<Record<string, JsonValue>> = [];
    for (const r of ranking) {
      if (!r || typeof r !== "object" || Array.isArray(r)) continue;
      const index = asNumber(r.index);
      const doc: RetrievalDocument = index !== undefined && docs && Number.isInteger(index) ? documentOf(docs[index]) : {};
      const score = asNumber(r.relevanceScore ?? r.score);
      const entry: Record<string, JsonValue> = { ...(doc as Record<string, JsonValue>) };
      if (score !== undefined) entry.score = score;
      if (index !== undefined) entry.metadata = { ...(entry.metadata && typeof entry.metadata === "object" && !Array.isArray(entry.metadata) ? entry.metadata : {}), index };
      out.push(entry);
    }
    f.add("retrieval.documents", "ai.ranking", out, docs ? ["ai.ranking", "ai.documents"] : ["ai.ranking"]);
  }
  if (docs) f.add("retrieval.documents", "ai.documents", docs.map(documentOf));
}

/** AI SDK 7 GenAI spans (`@ai-sdk/otel`): run and step spans roll up their model calls. */
const V7_SCOPES = new Set(["gen_ai", "ai"]);
const V7_ROLLUPS = new Set(["invoke_agent", "agent_step"]);

function isV7Rollup(v: SpanView): boolean {
  if (!V7_SCOPES.has(v.scopeName)) return false;
  const op = v.lower("gen_ai.operation.name");
  return op !== undefined && V7_ROLLUPS.has(op);
}

export const vercelAi: Convention = {
  name: "vercel_ai",
  detect: (v) => v.hasPrefix("ai.") || isV7Rollup(v) || (v.has("operation.name") && operationOf(v) !== undefined),
  extract(v, f) {
    extractOperation(v, f);
    if (isV7Rollup(v)) f.add("usage.aggregate", "rule:aggregate", true, []);
    if (!v.hasPrefix("ai.")) return;
    extractModelAndSettings(v, f);
    extractIdentity(v, f);
    if (v.hasPrefix("ai.toolCall.")) extractTool(v, f);
    extractEmbeddingAndRerank(v, f);
    extractAiSdkUsage(v, f);
    extractAiSdkMessages(v, f);
  },
};
