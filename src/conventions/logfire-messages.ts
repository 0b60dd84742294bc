/**
 * Payload readers shared by the Logfire and OpenAI Agents mappers (CONVENTIONS.md §6.2, §6.4):
 * Logfire `events` arrays (`event.name` + role/content), OpenAI Responses-API input and output
 * items, and provider usage objects (OpenAI chat, Responses, Anthropic, OpenAI Agents SDK).
 */
import type { Facts } from "../facts/facts";
import { USAGE_COUNT_FIELDS } from "../facts/precedence";
import type { ChatMessage, JsonValue, MessagePart } from "../model/record";
import { normalizeFinishReason } from "../read/finish";
import { maybeJson } from "../read/json";
import { normalizeMessage, normalizePart, toolArguments } from "../read/messages";
import { asCount, asString } from "../read/values";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

const ROLE_OF_EVENT: ReadonlyMap<string, string> = new Map([
  ["gen_ai.system.message", "system"],
  ["gen_ai.user.message", "user"],
  ["gen_ai.assistant.message", "assistant"],
  ["gen_ai.tool.message", "tool"],
]);

/**
 * A Logfire / pydantic-ai (format v1) `events` array split into input messages (role events)
 * and output messages (`gen_ai.choice`). `gen_ai.unknown` entries keep their payload as a part.
 */
export function eventsToMessages(events: readonly unknown[]): { input: ChatMessage[]; output: ChatMessage[] } {
  const input: ChatMessage[] = [];
  const output: ChatMessage[] = [];
  for (const e of events) {
    if (!isObj(e)) continue;
    const name = asString(e["event.name"]) ?? "";
    if (name === "gen_ai.choice") {
      const m = normalizeMessage(isObj(e.message) ? e : { role: "assistant", ...e }, "assistant");
      if (m) output.push(m);
      continue;
    }
    const role = asString(e.role) ?? ROLE_OF_EVENT.get(name);
    if (name === "gen_ai.unknown" || !role) {
      const parts = isObj(e.data) ? normalizePart(e.data) : asString(e.content) ? [{ type: "text", content: asString(e.content)! } as MessagePart] : [];
      if (parts.length > 0) input.push({ role: role ?? "unknown", parts });
      continue;
    }
    const m = normalizeMessage({ ...e, role }, role);
    if (m) input.push(m);
  }
  return { input, output };
}

function textOfContent(content: unknown): MessagePart[] {
  if (typeof content === "string") return [{ type: "text", content }];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const c of content) {
    if (isObj(c) && c.type === "refusal" && typeof c.refusal === "string") parts.push({ type: "refusal", content: c.refusal });
    else parts.push(...normalizePart(c));
  }
  return parts;
}

/**
 * OpenAI Responses-API items (request `input` or response `output`) → OTel messages:
 * messages keep their role, `function_call` becomes an assistant tool_call, `function_call_output`
 * a tool response, `reasoning` an assistant reasoning part; other items are generic parts.
 */
export function responsesItemsToMessages(items: unknown, defaultRole: string): ChatMessage[] | undefined {
  const list = maybeJson(items);
  if (typeof list === "string") return list === "" ? undefined : [{ role: "user", parts: [{ type: "text", content: list }] }];
  if (!Array.isArray(list)) return undefined;
  const out: ChatMessage[] = [];
  for (const item of list) {
    if (typeof item === "string") {
      out.push({ role: defaultRole, parts: [{ type: "text", content: item }] });
      continue;
    }
    if (!isObj(item)) continue;
    const type = asString(item.type);
    if (type === "function_call") {
      const part: MessagePart = { type: "tool_call", name: asString(item.name) ?? "" };
      const id = asString(item.call_id ?? item.id);
      if (id) part.id = id;
      const args = toolArguments(item.arguments);
      if (args !== undefined) part.arguments = args;
      out.push({ role: "assistant", parts: [part] });
    } else if (type === "function_call_output") {
      const part: MessagePart = { type: "tool_call_response", response: (maybeJson(item.output) ?? null) as JsonValue };
      const id = asString(item.call_id);
      if (id) part.id = id;
      out.push({ role: "tool", parts: [part] });
    } else if (type === "reasoning") {
      const summary = Array.isArray(item.summary) ? item.summary.map((s) => (isObj(s) ? asString(s.text) ?? "" : "")).join("\n") : "";
      out.push({ role: "assistant", parts: [{ type: "reasoning", content: summary }] });
    } else if (type === undefined || type === "message") {
      const role = asString(item.role) ?? defaultRole;
      out.push({ role, parts: textOfContent(item.content) });
    } else {
      out.push({ role: "assistant", parts: normalizePart(item) });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** A provider response message (OpenAI chat message or Anthropic Message) → OTel output message. */
export function responseMessage(m: unknown): ChatMessage | undefined {
  if (!isObj(m)) return undefined;
  const msg = normalizeMessage({ ...m, role: asString(m.role) ?? "assistant" }, "assistant");
  if (!msg) return undefined;
  const fr = normalizeFinishReason(m.stop_reason ?? m.finish_reason);
  if (fr) msg.finish_reason = fr;
  if (typeof m.refusal === "string" && m.refusal !== "") msg.parts.push({ type: "refusal", content: m.refusal });
  return msg;
}

export interface UsageCounts {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

function sub(o: Obj, key: string, field: string): unknown {
  const d = o[key];
  return isObj(d) ? d[field] : undefined;
}

/**
 * Token counts from a usage object of any of these shapes: OpenAI chat (`prompt_tokens`,
 * `*_details`), Responses / Agents SDK (`input_tokens`, `input_tokens_details`,
 * `cached_input_tokens`), Anthropic (`cache_*_input_tokens`, which `input_tokens` excludes:
 * they are added so that input includes cached tokens).
 */
export function usageCounts(u: unknown): UsageCounts | undefined {
  const o = maybeJson(u);
  if (!isObj(o)) return undefined;
  const c: UsageCounts = {};
  const cacheRead = asCount(o.cache_read_input_tokens);
  const cacheWrite = asCount(o.cache_creation_input_tokens);
  const anthropic = cacheRead !== undefined || cacheWrite !== undefined;
  let input = asCount(o.input_tokens ?? o.prompt_tokens);
  if (anthropic && input !== undefined) input += (cacheRead ?? 0) + (cacheWrite ?? 0);
  const set = (k: keyof UsageCounts, v: number | undefined): void => {
    if (v !== undefined) c[k] = v;
  };
  set("inputTokens", input);
  set("outputTokens", asCount(o.output_tokens ?? o.completion_tokens));
  set("totalTokens", asCount(o.total_tokens));
  set(
    "cacheReadTokens",
    cacheRead ?? asCount(sub(o, "input_tokens_details", "cached_tokens") ?? sub(o, "prompt_tokens_details", "cached_tokens") ?? o.cached_input_tokens),
  );
  set("cacheWriteTokens", cacheWrite ?? asCount(sub(o, "input_tokens_details", "cache_write_tokens") ?? o.cache_write_input_tokens));
  set("reasoningTokens", asCount(sub(o, "output_tokens_details", "reasoning_tokens") ?? sub(o, "completion_tokens_details", "reasoning_tokens")));
  return Object.keys(c).length > 0 ? c : undefined;
}


/** Offers every count of `counts` under one source id. */
export function offerUsage(f: Facts, source: string, counts: UsageCounts | undefined, keys: readonly string[]): void {
  if (!counts) return;
  // Counts it lacks (the audio ones) are undefined, which `add` ignores.
  for (const [name, field] of USAGE_COUNT_FIELDS) f.add(field, source, (counts as Record<string, number | undefined>)[name], keys);
}
