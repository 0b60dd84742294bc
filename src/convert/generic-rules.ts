/**
 * Rules that belong to no single convention (CONVENTIONS.md §8.1 rules 10–13, SPEC §1.1):
 * span-name patterns, tool / embedding / model evidence, HTTP and database spans, streaming
 * events, exceptions, and session/user keys shared by several conventions.
 */
import type { Facts } from "../facts/facts";
import type { SpanType } from "../model/record";
import { providerFromHost } from "../read/provider";
import type { SpanView } from "../read/span-view";

const NAME_RULES: ReadonlyArray<readonly [RegExp, SpanType]> = [
  [/^(chat|text_completion|generate_content) /, "LLM"],
  [/^embeddings /, "EMBEDDING"],
  [/^execute_tool\b/, "TOOL"],
  [/^(invoke_agent|create_agent)\b/, "AGENT"],
  [/^invoke_workflow\b/, "WORKFLOW"],
  [/^retrieval /, "RETRIEVAL"],
  [/^rerank /, "RERANKER"],
  [/^[a-z_]+\.(chat|completion|response)$/, "LLM"],
  [/\.embeddings$/, "EMBEDDING"],
  [/^tools\/call\b/, "TOOL"],
  [/^(Chat Completion|Completion) with /, "LLM"],
  [/^Embedding Creation with /, "EMBEDDING"],
];

const TRACELOOP_SUFFIX: Readonly<Record<string, SpanType>> = {
  workflow: "WORKFLOW",
  task: "TASK",
  agent: "AGENT",
  tool: "TOOL",
};

function typeFromName(v: SpanView): SpanType | undefined {
  const name = v.name.length > 512 ? v.name.slice(0, 512) : v.name;
  for (const [re, type] of NAME_RULES) if (re.test(name)) return type;
  if (v.has("traceloop.entity.name")) {
    const dot = name.lastIndexOf(".");
    const t = dot >= 0 ? TRACELOOP_SUFFIX[name.slice(dot + 1)] : undefined;
    if (t) return t;
  }
  return undefined;
}

const MODEL_KEYS = ["gen_ai.response.model", "gen_ai.request.model", "llm.model_name", "langfuse.observation.model.name", "mlflow.llm.model", "model"];
const STREAM_EVENTS = new Set(["ai.stream.firstChunk", "ai.stream.finish", "First Token Stream Event", "llm.content.completion.chunk", "gen_ai.content.completion.chunk"]);

function extractType(v: SpanView, f: Facts): void {
  const toolEvidence =
    v.has("gen_ai.tool.name") || v.has("gen_ai.tool.call.id") || v.has("ai.toolCall.name") || v.has("tool_arguments") ||
    (v.has("tool.name") && !v.hasPrefix("llm.input_messages") && !v.hasPrefix("llm.output_messages"));
  if (toolEvidence) f.add("type", "rule:tool-evidence", "TOOL");
  f.add("type", "rule:span-name", typeFromName(v));
  if (v.has("embedding.model_name") || v.hasPrefix("embedding.embeddings.")) f.add("type", "rule:embedding-evidence", "EMBEDDING");
  else if (v.hasPrefix("retrieval.documents.")) f.add("type", "rule:embedding-evidence", "RETRIEVAL");
  else if (v.hasPrefix("reranker.")) f.add("type", "rule:embedding-evidence", "RERANKER");
  if (MODEL_KEYS.some((k) => v.has(k))) f.add("type", "rule:model-fallback", "LLM");
  if (v.hasPrefix("http.") || v.hasPrefix("url.")) f.add("type", "rule:http", "HTTP");
  if (v.hasPrefix("db.")) f.add("type", "rule:database", "DATABASE");
}

function extractEvents(v: SpanView, f: Facts): void {
  let firstToken: number | undefined;
  for (const e of v.events) {
    if (STREAM_EVENTS.has(e.name) || e.name.startsWith("mlflow.chunk.item.")) f.add("llm.streaming", "rule:stream-events", true);
    if (e.name === "exception") {
      const a = (e.attributes ?? {}) as Record<string, unknown>;
      if (typeof a["exception.type"] === "string") f.add("error.type", "event:exception", a["exception.type"]);
      if (typeof a["exception.message"] === "string") f.add("error.message", "event:exception", a["exception.message"]);
      if (typeof a["exception.stacktrace"] === "string") f.add("error.stack", "event:exception", a["exception.stacktrace"]);
    }
    if ((e.name === "First Token Stream Event" || e.name === "ai.stream.firstChunk") && firstToken === undefined) {
      const ms = e.attributes?.["ai.response.msToFirstChunk"] ?? e.attributes?.["ai.stream.msToFirstChunk"];
      if (typeof ms === "number") f.add("llm.timeToFirstTokenMs", "event:ai.stream.firstChunk", ms);
      else if (e.name === "First Token Stream Event") {
        // OpenInference marks the first token with an event: its offset from the span start.
        const at = hrTimeMs(e.time);
        if (at !== undefined && v.startTimeMs !== undefined && at >= v.startTimeMs) {
          f.add("llm.timeToFirstTokenMs", "rule:first-token-event", Math.round((at - v.startTimeMs) * 1000) / 1000);
        }
      }
      firstToken = 1;
    }
  }
}

function hrTimeMs(t: unknown): number | undefined {
  if (!Array.isArray(t) || t.length < 2) return undefined;
  const ms = Number(t[0]) * 1000 + Number(t[1]) / 1e6;
  return Number.isFinite(ms) ? ms : undefined;
}

export function extractGenericRules(v: SpanView, f: Facts): void {
  extractType(v, f);
  extractEvents(v, f);
  f.add("error.type", "error.type", v.str("error.type"));
  f.add("sessionId", "session.id", v.str("session.id"));
  f.add("userId", "user.id", v.str("user.id"));
  f.add("sessionId", "mcp.session.id", v.str("mcp.session.id"));
  f.add("tool.callId", "jsonrpc.request.id", v.str("jsonrpc.request.id"));
  const host = v.str("server.address");
  f.add("llm.provider", "server.address", providerFromHost(host), []);
  f.add("rolloutId", "agentlightning.rollout_id", v.str("agentlightning.rollout_id"));
  f.add("attemptId", "agentlightning.attempt_id", v.str("agentlightning.attempt_id"));
  const r = v.resource;
  if (typeof r["agentlightning.rollout_id"] === "string") f.add("rolloutId", "resource:agentlightning.rollout_id", r["agentlightning.rollout_id"]);
  if (typeof r["agentlightning.attempt_id"] === "string") f.add("attemptId", "resource:agentlightning.attempt_id", r["agentlightning.attempt_id"]);
}
