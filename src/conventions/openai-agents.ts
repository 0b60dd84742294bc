/**
 * OpenAI Agents SDK spans beyond what their OpenInference attributes say (CONVENTIONS.md §6.4,
 * §8.1 rule 9), from the two converters that carry `span_data` hints:
 * - OpenInference: handoffs arrive as TOOL spans named `handoff to {to_agent}` → HANDOFF; the
 *   Python SDK's `task` / `turn` spans arrive as CHAIN `custom` spans whose `output.value`
 *   holds `{sdk_span_type, usage}` → aggregate usage.
 * - Logfire (scope `logfire.openai_agents`): span data is flattened into attributes and the
 *   kind shows in `logfire.msg_template` (`Agent run: {name!r}`, `Function: {name}`,
 *   `Handoff: …`, `Responses API…`, `Task: …`, `Turn … for agent …`) or in a `type` attribute;
 *   `usage` holds the SDK usage object, `raw_input` / `response` the Responses-API payloads.
 *
 * Task and turn usage rolls up the model calls beneath, so it is marked aggregate.
 */
import type { Facts } from "../facts/facts";
import type { ChatMessage, JsonValue, SpanType } from "../model/record";
import { normalizeInstructions, normalizeMessages } from "../read/messages";
import type { SpanView } from "../read/span-view";
import type { Convention } from "./convention";
import { offerUsage, responseMessage, responsesItemsToMessages, usageCounts } from "./logfire-messages";

const RULE = "rule:openai-agents";
const LOGFIRE_SCOPE = "logfire.openai_agents";

/** OpenInference JS/Python name handoff spans `handoff to {to_agent}` (kind TOOL). */
export function isOpenAiAgentsHandoff(v: SpanView): boolean {
  return v.name.startsWith("handoff to ") && v.name.length > 11 && v.lower("openinference.span.kind") === "tool";
}

/** Logfire message templates → span type, by prefix. */
const TEMPLATES: ReadonlyArray<readonly [string, SpanType]> = [
  ["Agent run: ", "AGENT"],
  ["Function: ", "TOOL"],
  ["Chat completion with ", "LLM"],
  ["Responses API", "LLM"],
  ["Guardrail ", "GUARDRAIL"],
  ["Handoff: ", "HANDOFF"],
  ["Task: ", "CHAIN"],
  ["Turn ", "CHAIN"],
  ["Custom span: ", "CHAIN"],
  ["MCP: list tools", "CHAIN"],
  ["OpenAI Agents trace: ", "AGENT"],
];

/** `span_data.type` (Logfire's generic template) → span type. */
const DATA_TYPES: ReadonlyMap<string, SpanType> = new Map<string, SpanType>([
  ["agent", "AGENT"],
  ["function", "TOOL"],
  ["generation", "LLM"],
  ["response", "LLM"],
  ["handoff", "HANDOFF"],
  ["guardrail", "GUARDRAIL"],
  ["custom", "CHAIN"],
]);

function logfireType(v: SpanView): SpanType | undefined {
  const tpl = v.str("logfire.msg_template") ?? v.name;
  for (const [prefix, type] of TEMPLATES) if (tpl.startsWith(prefix)) return type;
  const t = v.str("type");
  return t ? DATA_TYPES.get(t) : undefined;
}

function isRollup(kind: string | undefined): boolean {
  return kind === "task" || kind === "turn";
}

/** Chat-completions `output` of a generation span: response objects with `choices`, or messages. */
function generationOutput(v: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(v)) return normalizeMessages(v, "assistant");
  const out: ChatMessage[] = [];
  for (const r of v) {
    const choices = r && typeof r === "object" && !Array.isArray(r) ? (r as Record<string, unknown>).choices : undefined;
    if (!Array.isArray(choices)) {
      out.push(...(normalizeMessages([r], "assistant") ?? []));
      continue;
    }
    for (const c of choices) {
      if (!c || typeof c !== "object") continue;
      const choice = c as Record<string, unknown>;
      const msg = choice.message;
      if (!msg || typeof msg !== "object" || Array.isArray(msg)) continue;
      const m = responseMessage({ ...(msg as Record<string, unknown>), finish_reason: choice.finish_reason });
      if (m) out.push(m);
    }
  }
  return out.length > 0 ? out : undefined;
}

function extractLogfire(v: SpanView, f: Facts): void {
  const type = logfireType(v);
  f.add("type", RULE, type, []);
  const sdkType = v.str("sdk_span_type");
  if (isRollup(sdkType)) {
    offerUsage(f, "usage", usageCounts(v.get("usage")), ["usage"]);
    f.add("usage.aggregate", "rule:aggregate", true, []);
  } else if (type === "LLM") {
    offerUsage(f, "usage", usageCounts(v.get("usage")), ["usage"]);
  }
  if (type === "AGENT" && v.has("logfire.msg_template") && v.str("logfire.msg_template")!.startsWith("Agent run")) {
    f.add("agent.name", RULE, v.str("name"), ["name"]);
  }
  if (type === "TOOL") {
    f.add("tool.name", RULE, v.str("name"), ["name"]);
    f.add("tool.arguments", RULE, v.json("input"), ["input"]);
    f.add("tool.result", RULE, v.json("output"), ["output"]);
  }
  if (type === "LLM") {
    f.add("llm.responseId", "response_id", v.str("response_id"));
    f.add("llm.inputMessages", "raw_input", responsesItemsToMessages(v.get("raw_input"), "user"));
    const response = v.obj("response");
    if (response) {
      f.add("llm.outputMessages", "response#output", responsesItemsToMessages(response.output, "assistant"), ["response"]);
      f.add("llm.systemInstructions", "response#instructions", normalizeInstructions(response.instructions), ["response"]);
    }
    f.add("llm.inputMessages", RULE, normalizeMessages(v.get("input")), ["input"]);
    f.add("llm.outputMessages", RULE, generationOutput(v.json("output")), ["output"]);
  }
}

function extractOpenInference(v: SpanView, f: Facts): void {
  if (isOpenAiAgentsHandoff(v)) {
    f.add("type", RULE, "HANDOFF", []);
    return;
  }
  if (v.lower("openinference.span.kind") !== "chain") return;
  const data = v.obj("output.value");
  if (!data || typeof data.sdk_span_type !== "string" || !isRollup(data.sdk_span_type)) return;
  offerUsage(f, "output.value#usage", usageCounts(data.usage as JsonValue), []);
  f.add("usage.aggregate", "rule:aggregate", true, []);
}

function isLogfireAgents(v: SpanView): boolean {
  return v.scopeName === LOGFIRE_SCOPE || v.has("sdk_span_type");
}

export const openAiAgents: Convention = {
  name: "openai_agents",
  detect(v) {
    if (isLogfireAgents(v) || isOpenAiAgentsHandoff(v)) return true;
    // OpenInference custom spans: only CHAIN spans whose output names an SDK span type.
    if (v.lower("openinference.span.kind") !== "chain") return false;
    const out = v.get("output.value");
    return typeof out === "string" && out.includes('"sdk_span_type"');
  },
  extract(v, f) {
    if (isLogfireAgents(v)) extractLogfire(v, f);
    else extractOpenInference(v, f);
  },
};
