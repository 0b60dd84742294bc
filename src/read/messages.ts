/**
 * Message normalization into the OTel GenAI message format (CONVENTIONS.md §1.4, §7.8).
 *
 * One entry point, `normalizeMessage`, recognizes by shape: OTel parts messages, OpenAI chat
 * messages (string or array content, `tool_calls`, `tool_call_id`, legacy `function_call`),
 * AI SDK messages (`text`, `reasoning`, `tool-call`, `tool-result`, `image`, `file` parts),
 * Anthropic-style blocks (`tool_use`, `tool_result`, `thinking`), old GenAI event bodies and
 * `gen_ai.choice` bodies. Everything unknown is kept as a generic part, never dropped.
 */
import type { ChatMessage, JsonValue, MessagePart, ToolCall } from "../model/record";
import { normalizeFinishReason } from "./finish";
import { maybeJson, parseJsonText } from "./json";
import { rememberRawJson } from "./raw-json";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}
function json(v: unknown): JsonValue {
  return (maybeJson(v) ?? null) as JsonValue;
}
function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return "";
  }
}

/** Tool-call arguments: objects stay, JSON text is parsed, other text stays raw. */
export function toolArguments(v: unknown): JsonValue | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  return json(v);
}

function toolCallPart(id: unknown, name: unknown, args: unknown): MessagePart {
  const part: MessagePart = { type: "tool_call", name: str(name) ?? "" };
  const i = str(id);
  if (i) part.id = i;
  const a = toolArguments(args);
  if (a !== undefined) part.arguments = a;
  return part;
}

function toolResponsePart(id: unknown, response: unknown): MessagePart {
  const part: MessagePart = { type: "tool_call_response", response: unwrapAiSdkOutput(response) };
  const i = str(id);
  if (i) part.id = i;
  return part;
}

/** AI SDK v5+ tool output `{type:"json"|"text", value}` → its value. */
function unwrapAiSdkOutput(v: unknown): JsonValue {
  if (isObj(v) && (v.type === "json" || v.type === "text") && "value" in v) return json(v.value);
  return json(v);
}

function mediaPart(modality: string, p: Obj, ref: unknown): MessagePart {
  const mime = str(p.mime_type ?? p.mimeType ?? p.mediaType ?? p.media_type);
  const s = str(ref) ?? "";
  const isUri = /^(https?|gs|s3|file):\/\//i.test(s);
  const part: MessagePart = isUri
    ? { type: "uri", modality, uri: s }
    : { type: "blob", modality, content: s.startsWith("data:") ? s.slice(s.indexOf(",") + 1) : s };
  if (mime) part.mime_type = mime;
  return part;
}

/** One content part of any known source shape → OTel part(s). */
export function normalizePart(p: unknown): MessagePart[] {
  if (typeof p === "string") return [{ type: "text", content: p }];
  if (!isObj(p)) return [];
  const type = str(p.type) ?? "";
  switch (type) {
    case "text":
    case "input_text":
    case "output_text":
      return [{ type: "text", content: str(p.content) ?? str(p.text) ?? "" }];
    case "reasoning":
    case "thinking":
      return [{ type: "reasoning", content: str(p.content) ?? str(p.text) ?? str(p.thinking) ?? "" }];
    case "tool_call":
      return [toolCallPart(p.id, p.name, p.arguments)];
    case "tool-call":
      return [toolCallPart(p.toolCallId, p.toolName, p.input ?? p.args)];
    case "tool_use":
      return [toolCallPart(p.id, p.name, p.input)];
    case "tool_call_response":
      return [toolResponsePart(p.id, p.response ?? p.result)];
    case "tool-result":
      return [toolResponsePart(p.toolCallId, p.output ?? p.result)];
    case "tool_result":
      return [toolResponsePart(p.tool_use_id ?? p.id, p.content)];
    case "image_url":
      return [mediaPart("image", p, isObj(p.image_url) ? p.image_url.url : p.image_url)];
    case "image":
      return [mediaPart("image", p, p.image ?? p.url ?? p.data)];
    case "input_audio":
      return [mediaPart("audio", p, isObj(p.input_audio) ? p.input_audio.data : undefined)];
    case "blob":
    case "uri":
    case "file":
      if (type === "file" && !("file_id" in p)) return [mediaPart(str(p.modality) ?? "file", p, p.data ?? p.url)];
      return [sanitizedGeneric(p)];
    default:
      return [sanitizedGeneric(p)];
  }
}

function sanitizedGeneric(p: Obj): MessagePart {
  const out = json(p);
  if (isObj(out) && typeof out.type === "string") return out as MessagePart;
  return { type: "unknown", value: out };
}

function contentParts(content: unknown): MessagePart[] {
  if (content === undefined || content === null || content === "") return [];
  if (typeof content === "string") {
    // OpenLLMetry writes multimodal content as a JSON-str of a content array.
    const parsed = content.trimStart().startsWith("[") ? maybeJson(content) : content;
    if (Array.isArray(parsed)) return parsed.flatMap(normalizePart);
    return [{ type: "text", content }];
  }
  if (Array.isArray(content)) return content.flatMap(normalizePart);
  if (isObj(content)) return normalizePart(content);
  return [{ type: "text", content: textOf(content) }];
}

/** OpenAI-style `tool_calls` → tool_call parts. */
function openAiToolCalls(v: unknown): MessagePart[] {
  const list = Array.isArray(v) ? v : [];
  const out: MessagePart[] = [];
  for (const tc of list) {
    if (!isObj(tc)) continue;
    const fn = isObj(tc.function) ? tc.function : tc;
    out.push(toolCallPart(tc.id ?? tc.toolCallId, fn.name ?? tc.toolName, fn.arguments ?? tc.args ?? tc.input));
  }
  return out;
}

const MESSAGE_KEYS = new Set(["role", "parts", "name", "finish_reason"]);

/** A part already in canonical OTel form (no parsing or renaming needed). */
function isCanonicalPart(p: unknown): boolean {
  if (!isObj(p) || typeof p.type !== "string") return false;
  switch (p.type) {
    case "text":
    case "reasoning":
      return typeof p.content === "string";
    case "tool_call":
      return typeof p.name === "string" && typeof p.arguments !== "string";
    case "tool_call_response":
      return "response" in p;
    case "tool-call":
    case "tool-result":
    case "tool_use":
    case "tool_result":
    case "image_url":
    case "image":
    case "input_audio":
    case "input_text":
    case "output_text":
    case "thinking":
      return false;
    default:
      return true;
  }
}

/**
 * Fast path: a message already in OTel form is used as it is (it is a fresh parse result owned
 * by the pipeline), avoiding a rebuild of every part.
 */
function asCanonicalMessage(m: Obj): ChatMessage | undefined {
  if (typeof m.role !== "string" || !Array.isArray(m.parts)) return undefined;
  for (const k in m) if (!MESSAGE_KEYS.has(k)) return undefined;
  if (m.name !== undefined && typeof m.name !== "string") return undefined;
  if (m.finish_reason !== undefined && normalizeFinishReason(m.finish_reason) !== m.finish_reason) return undefined;
  for (const p of m.parts) if (!isCanonicalPart(p)) return undefined;
  return m as unknown as ChatMessage;
}

/** Any message-like object → an OTel ChatMessage, or undefined when it is not a message. */
export function normalizeMessage(m: unknown, defaultRole = "user"): ChatMessage | undefined {
  if (typeof m === "string") return { role: defaultRole, parts: [{ type: "text", content: m }] };
  if (!isObj(m)) return undefined;
  const canonical = asCanonicalMessage(m);
  if (canonical) return canonical;
  // gen_ai.choice body: { index, finish_reason, message: {...}, tool_calls? }
  if (isObj(m.message) && !("role" in m && "parts" in m)) {
    const inner = normalizeMessage({ role: "assistant", ...m.message }, "assistant");
    if (!inner) return undefined;
    if (!inner.parts.some((p) => p.type === "tool_call")) inner.parts.push(...openAiToolCalls(m.tool_calls));
    const fr = normalizeFinishReason(m.finish_reason);
    if (fr) inner.finish_reason = fr;
    return inner;
  }
  const role = str(m.role) ?? defaultRole;
  const msg: ChatMessage = { role, parts: [] };
  if (Array.isArray(m.parts)) {
    msg.parts = m.parts.flatMap(normalizePart);
  } else {
    const parts = contentParts(m.content);
    if (role === "tool" && parts.every((p) => p.type === "text")) {
      // OpenAI tool message: the content is the tool's response to `tool_call_id`.
      const id = m.tool_call_id ?? m.toolCallId ?? m.id;
      const text = parts.map((p) => (p as { content: string }).content).join("");
      msg.parts = [toolResponsePart(id, text)];
    } else {
      msg.parts = parts;
    }
    msg.parts.push(...openAiToolCalls(m.tool_calls));
    if (isObj(m.function_call)) msg.parts.push(toolCallPart(undefined, m.function_call.name, m.function_call.arguments));
  }
  const name = str(m.name);
  if (name) msg.name = name;
  const fr = normalizeFinishReason(m.finish_reason ?? m.finishReason);
  if (fr) msg.finish_reason = fr;
  return msg;
}

/**
 * A list of messages from an array or JSON text; undefined when nothing message-like is there.
 * JSON text already in the canonical form comes back as its parse result itself, with the text
 * remembered for the encoders to embed (raw-json.ts).
 */
export function normalizeMessages(v: unknown, defaultRole = "user"): ChatMessage[] | undefined {
  let parsed: unknown = v;
  let text: string | undefined;
  if (typeof v === "string") {
    const r = parseJsonText(v);
    if (r.ok) {
      parsed = r.value;
      if (!r.rebuilt) text = v;
    }
  }
  const list = Array.isArray(parsed) ? parsed : isObj(parsed) && Array.isArray(parsed.messages) ? parsed.messages : undefined;
  if (!list) return undefined;
  const out: ChatMessage[] = [];
  let unchanged = list === parsed;
  for (const m of list) {
    const n = normalizeMessage(m, defaultRole);
    if (n) out.push(n);
    if (n !== m) unchanged = false;
  }
  if (out.length === 0) return undefined;
  if (unchanged && text !== undefined && rememberRawJson(list, text)) return list as ChatMessage[];
  return out;
}

/** System instructions: an array of parts (OTel), a string, or messages → parts. */
export function normalizeInstructions(v: unknown): MessagePart[] | undefined {
  const parsed = maybeJson(v);
  if (typeof parsed === "string") return parsed === "" ? undefined : [{ type: "text", content: parsed }];
  if (Array.isArray(parsed)) {
    const parts = parsed.flatMap((p) => (isObj(p) && "role" in p ? normalizeMessage(p)?.parts ?? [] : normalizePart(p)));
    return parts.length > 0 ? parts : undefined;
  }
  if (isObj(parsed)) return normalizePart(parsed);
  return undefined;
}

/** Tool calls requested by the model, read from output messages. */
export function toolCallsOf(messages: readonly ChatMessage[] | undefined): ToolCall[] | undefined {
  const out: ToolCall[] = [];
  for (const m of messages ?? []) {
    for (const p of m.parts) {
      if (p.type !== "tool_call") continue;
      const tc = p as { id?: string; name: string; arguments?: JsonValue };
      const call: ToolCall = { name: tc.name };
      if (tc.id) call.id = tc.id;
      if (tc.arguments !== undefined) call.arguments = tc.arguments;
      out.push(call);
    }
  }
  return out.length > 0 ? out : undefined;
}
