/**
 * OpenLLMetry legacy flattened content (CONVENTIONS.md §3.2): `gen_ai.prompt.N.*` and
 * `gen_ai.completion.N.*` (no `.message.` segment, unlike OpenInference), with
 * `tool_calls.M.{id,name,arguments}`, the legacy `function_call.{name,arguments}`,
 * `tool_call_id`, `finish_reason` and `refusal`; and `llm.request.functions.N.*` tool
 * definitions. The plain `gen_ai.prompt` JSON attribute, `gen_ai.prompt.name` and
 * `gen_ai.prompt.prompt_filter_results` are not messages: only numeric second segments count.
 */
import type { ChatMessage, JsonValue } from "../model/record";
import { maybeJson, setOwn } from "../read/json";
import { normalizeMessage } from "../read/messages";
import type { SpanView } from "../read/span-view";
import { at, indexedChildren, type FlatTree } from "../read/unflatten";
import { asString } from "../read/values";
import { indexedEntries } from "./openinference-messages";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/**
 * Message content: a JSON-str of a content-part array (multimodal) becomes that array; any
 * other text stays text, even when it happens to look like JSON (a model may answer `[1, 2]`).
 */
function contentOf(v: unknown): unknown {
  const text = asString(v);
  if (text === undefined) return undefined;
  const parsed = text.trimStart().startsWith("[") ? maybeJson(text) : undefined;
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((p) => isObj(p) && typeof p.type === "string")) return parsed;
  return [{ type: "text", text }];
}

/** One `gen_ai.{prompt,completion}.N` entry → an OTel ChatMessage. */
function entryMessage(e: FlatTree, defaultRole: string): ChatMessage | undefined {
  const m: Obj = {};
  const role = asString(e.role);
  if (role) m.role = role.toLowerCase();
  const content = contentOf(e.content);
  if (content !== undefined) m.content = content;
  const callId = asString(e.tool_call_id);
  if (callId) m.tool_call_id = callId;
  const calls: Obj[] = [];
  for (const tc of indexedChildren(e.tool_calls)) {
    calls.push({ id: asString(tc.id), function: { name: asString(tc.name) ?? "", arguments: tc.arguments } });
  }
  if (calls.length > 0) m.tool_calls = calls;
  const fc = e.function_call;
  if (isObj(fc) && asString(fc.name)) m.function_call = { name: asString(fc.name), arguments: fc.arguments };
  const fr = asString(e.finish_reason);
  if (fr) m.finish_reason = fr;
  if (Object.keys(m).length === 0) return undefined;
  const msg = normalizeMessage(m, defaultRole);
  const refusal = asString(e.refusal);
  if (msg && refusal) msg.parts.push({ type: "refusal", content: refusal });
  return msg;
}

export interface FlatMessages {
  messages: ChatMessage[];
  keys: string[];
  /** Normalization happens later; raw finish reasons per message, in order. */
  finishReasons: string[];
  finishKeys: string[];
}

/** Messages of `gen_ai.prompt` / `gen_ai.completion` flattened keys. */
/** Fields of a flattened entry that `entryMessage` reads (content-filter results are not). */
const ENTRY_FIELDS = /^(role|content|tool_call_id|finish_reason|refusal|tool_calls\.\d+\.(id|name|arguments)|function_call\.(name|arguments))$/;

export function openLlmetryMessages(view: SpanView, prefix: string, defaultRole: string): FlatMessages | undefined {
  const e = indexedEntries(view, prefix, (field) => ENTRY_FIELDS.test(field));
  if (!e) return undefined;
  const messages: ChatMessage[] = [];
  const finishReasons: string[] = [];
  for (const item of e.items) {
    const m = entryMessage(item, defaultRole);
    if (m) messages.push(m);
    const fr = asString(item.finish_reason);
    if (fr) finishReasons.push(fr);
  }
  if (messages.length === 0) return undefined;
  const finishKeys = e.keys.filter((k) => k.endsWith(".finish_reason") && k.split(".").length === prefix.split(".").length + 2);
  return { messages, keys: e.keys, finishReasons, finishKeys };
}

/** `llm.request.functions.N.{name,description,parameters}` → OTel-shaped tool definitions. */
export function requestFunctions(view: SpanView): { tools: JsonValue[]; keys: string[] } | undefined {
  const e = indexedEntries(view, "llm.request.functions");
  if (!e) return undefined;
  const tools: JsonValue[] = [];
  for (const item of e.items) {
    const name = asString(item.name);
    if (!name) continue;
    const def: Record<string, JsonValue> = { type: "function", name };
    const desc = asString(item.description);
    if (desc) def.description = desc;
    const params = at(item, "parameters");
    if (params !== undefined && params !== "") setOwn(def, "parameters", maybeJson(params) ?? null);
    tools.push(def);
  }
  return tools.length > 0 ? { tools, keys: e.keys } : undefined;
}
