/**
 * Pydantic Logfire and pydantic-ai (CONVENTIONS.md §6.2, §8): Logfire core keys
 * (`logfire.span_type`, `logfire.tags`, `logfire.level_num`, `logfire.msg`), its OpenAI /
 * Anthropic instrumentation (`request_data`, `response_data`, the streaming log), the old
 * `events` arrays, and pydantic-ai's own keys (`pydantic_ai.all_messages`, `final_result`,
 * `model_name`, `agent_name`, `tool_arguments` / `tool_response`, `operation.cost`,
 * `model_request_parameters`). pydantic-ai's `gen_ai.*` keys (incl. `gen_ai.aggregated_usage.*`)
 * are read by gen-ai.ts; OpenAI Agents spans made by Logfire by openai-agents.ts.
 *
 * Placeholders: `logfire.span_type=pending_span` spans duplicate a real span (§8.1 step 0).
 * `isPlaceholderSpan` lets the processor skip them; when converted anyway, the record says so
 * in `metadata["logfire.span_type"] = "pending_span"` (the attribute also stays in `extras`).
 *
 * Not modeled (left in `extras`): `logfire.msg_template`, `logfire.json_schema`,
 * `logfire.sample_rate`, `logfire.scrubbed`, `code.*`, `async`, `gen_ai.usage.raw`,
 * `pydantic_ai.tool.*`.
 */
import type { Facts } from "../facts/facts";
import type { JsonObject, JsonValue } from "../model/record";
import { setOwn } from "../read/json";
import { normalizeInstructions, normalizeMessages } from "../read/messages";
import { SpanView } from "../read/span-view";
import { asBoolean, asNumber } from "../read/values";
import type { Convention } from "./convention";
import { eventsToMessages, offerUsage, responseMessage, responsesItemsToMessages, usageCounts } from "./logfire-messages";
import { normalizeToolDefinition } from "./openinference-messages";

const SPAN_TYPE = "logfire.span_type";
const PENDING = "pending_span";
/** Logfire level numbers: error = 17, fatal = 21. */
const ERROR_LEVEL = 17;

const DETECT_KEYS = [
  "request_data",
  "response_data",
  "pydantic_ai.all_messages",
  "final_result",
  "tool_arguments",
  "tool_response",
  "model_request_parameters",
  "operation.cost",
  "all_messages_events",
  "agent_name",
];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/**
 * True for a Logfire placeholder span (`logfire.span_type = "pending_span"`), which duplicates
 * the real span and should be skipped. Accepts a SpanView, an attribute map, or a span-like
 * object with `attributes`. O(1); never throws.
 */
export function isPlaceholderSpan(x: SpanView | Readonly<Record<string, unknown>> | null | undefined): boolean {
  try {
    if (!x || typeof x !== "object") return false;
    const attrs = x instanceof SpanView ? x.attrs : x;
    let t = attrs[SPAN_TYPE];
    if (t === undefined && isObj(attrs.attributes)) t = attrs.attributes[SPAN_TYPE];
    return t === PENDING;
  } catch {
    return false;
  }
}

const REQUEST_PARAMS: ReadonlyArray<readonly [string, Parameters<Facts["add"]>[0]]> = [
  ["temperature", "llm.parameters.temperature"],
  ["max_tokens", "llm.parameters.maxTokens"],
  ["max_completion_tokens", "llm.parameters.maxTokens"],
  ["top_p", "llm.parameters.topP"],
];
/** request_data keys read into their own fields, not kept as extra parameters. */
const REQUEST_MODELED = new Set(["model", "messages", "input", "instructions", "system", "stream", "tools", ...REQUEST_PARAMS.map((p) => p[0])]);

function extractRequest(v: SpanView, f: Facts): void {
  const rd = v.obj("request_data");
  if (!rd) return;
  const K = ["request_data"];
  f.add("llm.requestModel", "request_data#model", typeof rd.model === "string" ? rd.model : undefined, K);
  // A model request (`Message with …`, `Chat Completion with …`): LLM unless a name rule says otherwise.
  if (typeof rd.model === "string") f.add("type", "rule:model-fallback", "LLM", []);
  f.add("llm.inputMessages", "request_data#messages", normalizeMessages(rd.messages), K);
  f.add("llm.inputMessages", "request_data#input", responsesItemsToMessages(rd.input, "user"), K);
  f.add("llm.systemInstructions", "request_data#instructions", normalizeInstructions(rd.instructions ?? rd.system), K);
  f.add("llm.streaming", "request_data#stream", asBoolean(rd.stream), K);
  for (const [name, field] of REQUEST_PARAMS) f.add(field, `request_data#${name}`, asNumber(rd[name]), K);
  if (Array.isArray(rd.tools)) {
    const tools = rd.tools.map(normalizeToolDefinition).filter((t): t is JsonValue => t !== undefined);
    f.add("llm.toolDefinitions", "request_data#tools", tools, K);
  }
  const extra: JsonObject = {};
  for (const k of Object.keys(rd)) if (!REQUEST_MODELED.has(k) && rd[k] !== null) setOwn(extra, k, rd[k]);
  f.add("llm.parameters.extra", "request_data", extra, K);
}

function extractResponse(v: SpanView, f: Facts): void {
  const rd = v.obj("response_data");
  if (!rd) return;
  const K = ["response_data"];
  const message = isObj(rd.message) ? rd.message : undefined;
  const out = responseMessage(message);
  if (out) f.add("llm.outputMessages", "response_data#message", [out], K);
  else if (typeof rd.combined_chunk_content === "string") {
    // Streamed response log: the concatenated chunks.
    f.add("llm.outputMessages", "response_data#message", [{ role: "assistant", parts: [{ type: "text", content: rd.combined_chunk_content }] }], K);
  }
  offerUsage(f, "response_data#usage", usageCounts(rd.usage ?? message?.usage), K);
  const model = rd.model ?? message?.model;
  f.add("llm.responseModel", "response_data#model", typeof model === "string" ? model : undefined, K);
}

function extractEvents(v: SpanView, f: Facts): void {
  const events = v.arr("events");
  if (events) {
    const { input, output } = eventsToMessages(events);
    f.add("llm.inputMessages", "events", input);
    f.add("llm.outputMessages", "events#gen_ai.choice", output);
  }
  const history = v.arr("all_messages_events");
  if (history) f.add("llm.inputMessages", "all_messages_events", eventsToMessages(history).input);
}

function isAgentRun(v: SpanView): boolean {
  return (
    v.lower("gen_ai.operation.name") === "invoke_agent" ||
    v.has("agent_name") ||
    v.has("pydantic_ai.all_messages") ||
    v.has("final_result") ||
    v.name === "agent run" ||
    v.name.startsWith("invoke_agent")
  );
}

function extractPydanticAi(v: SpanView, f: Facts): void {
  if (isAgentRun(v)) {
    f.add("llm.inputMessages", "pydantic_ai.all_messages", normalizeMessages(v.get("pydantic_ai.all_messages")));
    const result = v.json("final_result");
    if (result !== undefined) {
      const text = typeof result === "string" ? result : JSON.stringify(result);
      f.add("llm.outputMessages", "final_result", [{ role: "assistant", parts: [{ type: "text", content: text }] }]);
      f.add("output", "final_result", result);
    }
    f.add("llm.requestModel", "model_name", v.str("model_name"));
    f.add("agent.name", "agent_name", v.str("agent_name"));
    if (v.name === "agent run") f.add("type", "rule:span-name", "AGENT", []);
  }
  f.add("tool.arguments", "tool_arguments", v.json("tool_arguments"));
  f.add("tool.result", "tool_response", v.json("tool_response"));
  if (v.name === "running tool" || v.name === "running output function") f.add("type", "rule:span-name", "TOOL", []);
  f.add("cost.totalUsd", "operation.cost", v.num("operation.cost"));
  const mrp = v.obj("model_request_parameters");
  if (mrp) {
    const K = ["model_request_parameters"];
    const tools: JsonValue[] = [];
    for (const key of ["function_tools", "output_tools"]) {
      const list = mrp[key];
      if (!Array.isArray(list)) continue;
      for (const t of list) {
        if (!isObj(t) || typeof t.name !== "string") continue;
        const def: JsonObject = { type: "function", name: t.name };
        if (typeof t.description === "string") def.description = t.description;
        if (t.parameters_json_schema !== undefined) def.parameters = t.parameters_json_schema;
        tools.push(def);
      }
    }
    f.add("llm.toolDefinitions", "model_request_parameters#function_tools", tools, K);
    const extra: JsonObject = {};
    for (const k of Object.keys(mrp)) if (k !== "function_tools" && k !== "output_tools" && mrp[k] !== null) setOwn(extra, k, mrp[k]);
    f.add("llm.parameters.extra", "model_request_parameters", extra, K);
  }
}

function extractCore(v: SpanView, f: Facts): void {
  if (isPlaceholderSpan(v)) f.add("metadata", SPAN_TYPE, { [SPAN_TYPE]: PENDING }, []);
  f.add("tags", "logfire.tags", v.list("logfire.tags"));
  const msg = v.str("logfire.msg");
  const level = v.num("logfire.level_num");
  if (level !== undefined && level >= ERROR_LEVEL) {
    f.add("status.error", "rule:convention-error", msg ?? "ERROR", []);
    f.add("error.message", "rule:convention-error", msg, []);
  }
  const label = msg ?? v.name;
  if (label.startsWith("streaming response from ")) {
    // The log that carries a streamed call's combined response (§8.2 rule 7).
    f.add("llm.streaming", "rule:logfire-streaming-name", true, []);
    f.add("type", "rule:span-name", "LLM", []);
  }
  if (msg?.startsWith("running tool: ")) f.add("tool.name", "rule:span-name", msg.slice("running tool: ".length), []);
}

export const logfire: Convention = {
  name: "logfire",
  detect(v) {
    if (v.scopeName === "pydantic-ai" || v.scopeName.startsWith("logfire")) return true;
    if (v.hasPrefix("logfire.")) return true;
    for (const k of DETECT_KEYS) if (v.has(k)) return true;
    return false;
  },
  extract(v, f) {
    extractCore(v, f);
    extractRequest(v, f);
    extractResponse(v, f);
    extractEvents(v, f);
    extractPydanticAi(v, f);
  },
};
