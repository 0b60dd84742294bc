/**
 * OpenTelemetry GenAI semantic conventions (`gen_ai.*`, CONVENTIONS.md §1): current keys, the
 * deprecated ones still seen (§1.5), and message events of every era (gen-ai-events.ts).
 * Keys written by other conventions in the `gen_ai.` namespace (OpenLLMetry's flattened
 * `gen_ai.prompt.N.*`) are read by those conventions' mappers.
 */
import type { Facts } from "../facts/facts";
import type { SpanType } from "../model/record";
import { normalizeFinishReasons } from "../read/finish";
import { setOwn } from "../read/json";
import { normalizeInstructions, normalizeMessages } from "../read/messages";
import type { SpanView } from "../read/span-view";
import type { Convention } from "./convention";
import { extractGenAiEvents, hasGenAiEvents } from "./gen-ai-events";

/** `gen_ai.operation.name` → span type (§8.1 rule 4). */
export function typeOfOperation(op: string): SpanType | undefined {
  switch (op) {
    case "chat":
    case "text_completion":
    case "completion":
    case "generate_content":
    case "generate":
    case "response":
    case "llm_request":
      return "LLM";
    case "embeddings":
      return "EMBEDDING";
    case "execute_tool":
      return "TOOL";
    case "invoke_agent":
    case "create_agent":
      return "AGENT";
    case "agent_step":
    case "plan":
      return "CHAIN";
    case "invoke_workflow":
      return "WORKFLOW";
    case "retrieval":
    case "vector_db_retrieve":
    case "search_memory":
      return "RETRIEVAL";
    case "rerank":
      return "RERANKER";
    case "guardrail.run":
    case "guard":
    case "apply_guardrail":
      return "GUARDRAIL";
    case "execute_task":
      return "TASK";
  }
  if (op.includes("memory")) return "MEMORY";
  return undefined;
}

const PARAMS: ReadonlyArray<readonly [string, Parameters<Facts["add"]>[0], "num" | "list" | "str"]> = [
  ["gen_ai.request.temperature", "llm.parameters.temperature", "num"],
  ["gen_ai.request.max_tokens", "llm.parameters.maxTokens", "num"],
  ["gen_ai.request.max_completion_tokens", "llm.parameters.maxTokens", "num"],
  ["gen_ai.request.top_p", "llm.parameters.topP", "num"],
  ["gen_ai.request.top_k", "llm.parameters.topK", "num"],
  ["gen_ai.request.frequency_penalty", "llm.parameters.frequencyPenalty", "num"],
  ["gen_ai.request.presence_penalty", "llm.parameters.presencePenalty", "num"],
  ["gen_ai.request.stop_sequences", "llm.parameters.stop", "list"],
  ["gen_ai.request.seed", "llm.parameters.seed", "num"],
  ["gen_ai.openai.request.seed", "llm.parameters.seed", "num"],
  ["gen_ai.request.choice.count", "llm.parameters.n", "num"],
  ["gen_ai.request.n", "llm.parameters.n", "num"],
  ["gen_ai.request.reasoning_effort", "llm.parameters.reasoningEffort", "str"],
  ["gen_ai.output.type", "llm.parameters.outputType", "str"],
  ["gen_ai.openai.request.response_format", "llm.parameters.outputType", "str"],
];
const MODELED_REQUEST_KEYS = new Set([...PARAMS.map((p) => p[0]), "gen_ai.request.model", "gen_ai.request.stream"]);

/** Usage keys: [key, field]. `gen_ai.aggregated_usage.*` (pydantic-ai) is read as aggregate. */
const USAGE: ReadonlyArray<readonly [string, Parameters<Facts["add"]>[0]]> = [
  ["gen_ai.usage.input_tokens", "usage.inputTokens"],
  ["gen_ai.usage.prompt_tokens", "usage.inputTokens"],
  ["gen_ai.usage.output_tokens", "usage.outputTokens"],
  ["gen_ai.usage.completion_tokens", "usage.outputTokens"],
  ["gen_ai.usage.total_tokens", "usage.totalTokens"],
  ["gen_ai.usage.cache_read.input_tokens", "usage.cacheReadTokens"],
  ["gen_ai.usage.cache_read_input_tokens", "usage.cacheReadTokens"],
  ["gen_ai.usage.details.cache_read_tokens", "usage.cacheReadTokens"],
  ["gen_ai.usage.cache_creation.input_tokens", "usage.cacheWriteTokens"],
  ["gen_ai.usage.cache_creation_input_tokens", "usage.cacheWriteTokens"],
  ["gen_ai.usage.details.cache_write_tokens", "usage.cacheWriteTokens"],
  ["gen_ai.usage.reasoning.output_tokens", "usage.reasoningTokens"],
  ["gen_ai.usage.reasoning_tokens", "usage.reasoningTokens"],
  ["gen_ai.usage.details.reasoning_tokens", "usage.reasoningTokens"],
  ["gen_ai.usage.details.input_audio_tokens", "usage.audioInputTokens"],
  ["gen_ai.usage.details.output_audio_tokens", "usage.audioOutputTokens"],
  ["gen_ai.aggregated_usage.input_tokens", "usage.inputTokens"],
  ["gen_ai.aggregated_usage.output_tokens", "usage.outputTokens"],
  ["gen_ai.aggregated_usage.total_tokens", "usage.totalTokens"],
  ["gen_ai.aggregated_usage.cache_read.input_tokens", "usage.cacheReadTokens"],
  ["gen_ai.aggregated_usage.cache_creation.input_tokens", "usage.cacheWriteTokens"],
  ["gen_ai.aggregated_usage.reasoning.output_tokens", "usage.reasoningTokens"],
];

function extractLlm(v: SpanView, f: Facts): void {
  const op = v.lower("gen_ai.operation.name");
  if (op) {
    f.add("llm.operation", "gen_ai.operation.name", op);
    f.add("type", "gen_ai.operation.name", typeOfOperation(op));
  }
  f.add("llm.provider", "gen_ai.provider.name", v.str("gen_ai.provider.name"));
  f.add("llm.provider", "gen_ai.system", v.str("gen_ai.system"));
  f.add("llm.provider", "gen_ai.openai.api_base", v.str("gen_ai.openai.api_base"));
  f.add("llm.requestModel", "gen_ai.request.model", v.str("gen_ai.request.model"));
  f.add("llm.responseModel", "gen_ai.response.model", v.str("gen_ai.response.model"));
  f.add("llm.streaming", "gen_ai.request.stream", v.bool("gen_ai.request.stream"));
  f.add("llm.streaming", "gen_ai.is_streaming", v.bool("gen_ai.is_streaming"));
  for (const key of ["gen_ai.response.time_to_first_chunk", "gen_ai.client.operation.time_to_first_chunk"]) {
    const s = v.num(key);
    if (s !== undefined) {
      f.add("llm.timeToFirstTokenMs", key, s * 1000);
      f.add("llm.streaming", key, true, []);
    }
  }
  if (v.hasPrefix("gen_ai.request.") || v.hasPrefix("gen_ai.openai.") || v.has("gen_ai.output.type")) {
    for (const [key, field, kind] of PARAMS) {
      f.add(field, key, kind === "num" ? v.num(key) : kind === "list" ? v.list(key) : v.str(key));
    }
    const rest = v.prefixed("gen_ai.request", MODELED_REQUEST_KEYS);
    if (rest.length > 0) {
      const extra: Record<string, unknown> = {};
      for (const [sub, k] of rest) setOwn(extra, sub, v.json(k)); // `gen_ai.request.__proto__` stays data
      f.add("llm.parameters.extra", "gen_ai.request.*", extra, rest.map(([, k]) => k));
    }
  }
  f.add("llm.responseId", "gen_ai.response.id", v.str("gen_ai.response.id"));
  f.add("llm.finishReasons", "gen_ai.response.finish_reasons", normalizeFinishReasons(v.list("gen_ai.response.finish_reasons")));
  f.add("llm.finishReasons", "gen_ai.response.finish_reason", normalizeFinishReasons(v.str("gen_ai.response.finish_reason")));
  f.add("llm.finishReasons", "gen_ai.finishReason", normalizeFinishReasons(v.str("gen_ai.finishReason")));
  f.add("llm.systemInstructions", "gen_ai.system_instructions", normalizeInstructions(v.get("gen_ai.system_instructions")));
  f.add("llm.inputMessages", "gen_ai.input.messages", normalizeMessages(v.get("gen_ai.input.messages")));
  f.add("llm.outputMessages", "gen_ai.output.messages", normalizeMessages(v.get("gen_ai.output.messages"), "assistant"));
  f.add("llm.toolDefinitions", "gen_ai.tool.definitions", v.arr("gen_ai.tool.definitions"));
  // The deprecated plain `gen_ai.prompt` / `gen_ai.completion` JSON strings (not `gen_ai.prompt.N.*`).
  f.add("llm.inputMessages", "gen_ai.prompt", normalizeMessages(v.get("gen_ai.prompt")));
  f.add("llm.outputMessages", "gen_ai.completion", normalizeMessages(v.get("gen_ai.completion"), "assistant"));
}

function extractUsageAndCost(v: SpanView, f: Facts): void {
  if (!v.hasPrefix("gen_ai.usage.") && !v.hasPrefix("gen_ai.aggregated_usage.")) return;
  for (const [key, field] of USAGE) f.add(field, key, v.count(key));
  if (v.hasPrefix("gen_ai.aggregated_usage.")) f.add("usage.aggregate", "rule:aggregate", true, []);
  f.add("cost.totalUsd", "gen_ai.usage.cost", v.num("gen_ai.usage.cost"));
}

function extractToolAgentIdentity(v: SpanView, f: Facts): void {
  if (v.hasPrefix("gen_ai.tool.")) extractTool(v, f);
  if (v.hasPrefix("gen_ai.agent.")) {
    f.add("agent.name", "gen_ai.agent.name", v.str("gen_ai.agent.name"));
    f.add("agent.id", "gen_ai.agent.id", v.str("gen_ai.agent.id"));
    f.add("agent.id", "gen_ai.agent.call.id", v.str("gen_ai.agent.call.id"));
    f.add("agent.description", "gen_ai.agent.description", v.str("gen_ai.agent.description"));
    f.add("agent.version", "gen_ai.agent.version", v.str("gen_ai.agent.version"));
  }
  f.add("conversationId", "gen_ai.conversation.id", v.str("gen_ai.conversation.id"));
  f.add("userId", "gen_ai.user", v.str("gen_ai.user"));
  if (v.hasPrefix("gen_ai.retrieval.")) {
    f.add("retrieval.query", "gen_ai.retrieval.query.text", v.str("gen_ai.retrieval.query.text"));
    f.add("retrieval.documents", "gen_ai.retrieval.documents", v.arr("gen_ai.retrieval.documents"));
  }
}

function extractTool(v: SpanView, f: Facts): void {
  f.add("tool.name", "gen_ai.tool.name", v.str("gen_ai.tool.name"));
  f.add("tool.callId", "gen_ai.tool.call.id", v.str("gen_ai.tool.call.id"));
  f.add("tool.arguments", "gen_ai.tool.call.arguments", v.json("gen_ai.tool.call.arguments"));
  f.add("tool.result", "gen_ai.tool.call.result", v.json("gen_ai.tool.call.result"));
  f.add("tool.description", "gen_ai.tool.description", v.str("gen_ai.tool.description"));
  f.add("tool.type", "gen_ai.tool.type", v.str("gen_ai.tool.type"));
}

export const genAi: Convention = {
  name: "gen_ai",
  detect: (v) => v.hasPrefix("gen_ai.") || hasGenAiEvents(v),
  extract(v, f) {
    extractLlm(v, f);
    extractUsageAndCost(v, f);
    extractToolAgentIdentity(v, f);
    extractGenAiEvents(v, f);
  },
};
