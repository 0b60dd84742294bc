/**
 * Vercel AI SDK messages and tools (CONVENTIONS.md §4.1, §8.7): `ai.prompt` on root spans,
 * `ai.prompt.messages` on provider-call spans, the assistant output assembled from
 * `ai.response.*` (v4+) or `ai.result.*` (v3), and `ai.prompt.tools` definitions.
 */
import type { Facts } from "../facts/facts";
import type { ChatMessage, JsonValue, MessagePart } from "../model/record";
import { normalizeFinishReason, normalizeFinishReasons } from "../read/finish";
import { maybeJson, setOwn } from "../read/json";
import { normalizeInstructions, normalizeMessage, normalizeMessages, normalizePart, toolArguments } from "../read/messages";
import type { SpanView } from "../read/span-view";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Tool-result outputs of AI SDK 5+ that the shared normalizer does not unwrap. */
const WRAPPED_OUTPUTS = new Set(["error-text", "error-json", "content"]);

/** Media parts carry `mediaType`; the OTel part wants a modality. */
function modalityOf(mediaType: unknown): string {
  const m = typeof mediaType === "string" ? mediaType.toLowerCase() : "";
  if (m.startsWith("image/")) return "image";
  if (m.startsWith("audio/")) return "audio";
  if (m.startsWith("video/")) return "video";
  return "file";
}

/** AI SDK part → a shape the shared normalizer reads; other parts pass unchanged. */
function prepPart(p: unknown): unknown {
  if (!isObj(p)) return p;
  if (p.type === "tool-result" && isObj(p.output) && typeof p.output.type === "string" && WRAPPED_OUTPUTS.has(p.output.type) && "value" in p.output) {
    return { ...p, output: p.output.value };
  }
  if (p.type === "file" && p.modality === undefined) return { ...p, modality: modalityOf(p.mediaType ?? p.mimeType) };
  return p;
}

function prepMessage(m: unknown): unknown {
  if (!isObj(m) || !Array.isArray(m.content)) return m;
  return { ...m, content: m.content.map(prepPart) };
}

/** An AI SDK message list (array or JSON text) → OTel messages. */
export function aiSdkMessages(v: unknown): ChatMessage[] | undefined {
  const parsed = maybeJson(v);
  if (!Array.isArray(parsed)) return undefined;
  return normalizeMessages(parsed.map(prepMessage));
}

/** `system` of `ai.prompt`: a string, a system message, or a list of them (v6). */
function systemParts(system: unknown): MessagePart[] | undefined {
  if (isObj(system)) return normalizeMessage(system, "system")?.parts;
  return normalizeInstructions(system);
}

/** Root spans: `ai.prompt` = `{system?, prompt?, messages?}`; `prompt` is text or messages (v5+). */
function extractRootPrompt(v: SpanView, f: Facts): void {
  const p = v.obj("ai.prompt");
  if (!p) {
    // Not JSON: a raw prompt string.
    const raw = v.str("ai.prompt");
    if (raw) f.add("llm.inputMessages", "ai.prompt", [{ role: "user", parts: [{ type: "text", content: raw }] }]);
    return;
  }
  f.add("llm.systemInstructions", "ai.prompt#system", systemParts(p.system));
  const input: ChatMessage[] = [];
  if (typeof p.prompt === "string") {
    if (p.prompt !== "") input.push({ role: "user", parts: [{ type: "text", content: p.prompt }] });
  } else if (Array.isArray(p.prompt)) {
    input.push(...(aiSdkMessages(p.prompt) ?? []));
  }
  if (Array.isArray(p.messages)) input.push(...(aiSdkMessages(p.messages) ?? []));
  f.add("llm.inputMessages", "ai.prompt", input);
}

/** `ai.response.toolCalls` / `ai.result.toolCalls`: v5+ `{toolCallId,toolName,input}`, ≤v4 `{…,args}`. */
function toolCallParts(v: unknown): MessagePart[] {
  const list = maybeJson(v);
  if (!Array.isArray(list)) return [];
  const out: MessagePart[] = [];
  for (const tc of list) {
    if (!isObj(tc)) continue;
    const part: MessagePart = { type: "tool_call", name: str(tc.toolName) ?? str(tc.name) ?? "" };
    const id = str(tc.toolCallId) ?? str(tc.id);
    if (id) part.id = id;
    const args = toolArguments(tc.input ?? tc.args);
    if (args !== undefined) part.arguments = args;
    out.push(part);
  }
  return out;
}

/** `ai.response.reasoning`: text (v6+), or a list of reasoning parts. */
function reasoningParts(v: unknown): MessagePart[] {
  const parsed = maybeJson(v);
  if (typeof parsed === "string") return parsed === "" ? [] : [{ type: "reasoning", content: parsed }];
  if (!Array.isArray(parsed)) return [];
  const out: MessagePart[] = [];
  for (const p of parsed) {
    const text = typeof p === "string" ? p : isObj(p) ? str(p.text) ?? str(p.content) : undefined;
    if (text) out.push({ type: "reasoning", content: text });
  }
  return out;
}

function fileParts(v: unknown): MessagePart[] {
  const list = maybeJson(v);
  if (!Array.isArray(list)) return [];
  return list.flatMap((p) => normalizePart(prepPart(isObj(p) && p.type === undefined ? { type: "file", ...p } : p)));
}

/**
 * The assistant output of a call, from `<prefix>.text`, `.reasoning`, `.toolCalls`, `.object`
 * (and `.files`), with the finish reason. `prefix` is `ai.response` (v4+) or `ai.result` (v3).
 */
function outputMessage(v: SpanView, prefix: string, finishKey: string): { msg: ChatMessage; keys: string[] } | undefined {
  const keys: string[] = [];
  const parts: MessagePart[] = [];
  const take = (sub: string): unknown => {
    const key = `${prefix}.${sub}`;
    // Present-but-empty keys (`ai.response.text: ""` beside tool calls) are consumed too.
    if (Object.prototype.hasOwnProperty.call(v.attrs, key)) keys.push(key);
    return v.get(key);
  };
  parts.push(...reasoningParts(take("reasoning")));
  const text = take("text");
  if (typeof text === "string") parts.push({ type: "text", content: text });
  const object = take("object");
  if (object !== undefined) parts.push({ type: "text", content: typeof object === "string" ? object : JSON.stringify(object) });
  parts.push(...fileParts(take("files")));
  parts.push(...toolCallParts(take("toolCalls")));
  if (parts.length === 0) return undefined;
  const msg: ChatMessage = { role: "assistant", parts };
  const fr = normalizeFinishReason(v.str(finishKey));
  if (fr) msg.finish_reason = fr;
  return { msg, keys };
}

/** A tool definition in the flat OTel form `{type, name, description?, parameters?}`. */
export function toToolDefinition(d: unknown): JsonValue | undefined {
  const def = maybeJson(d);
  if (!isObj(def)) return def === undefined || def === null || def === "" ? undefined : (def as JsonValue);
  // OpenAI chat form: {type:"function", function:{name, description, parameters}}.
  const fn = isObj(def.function) ? def.function : def;
  if (typeof fn.name !== "string") return def as JsonValue;
  const out: Record<string, JsonValue> = { type: typeof def.type === "string" ? def.type : "function", name: fn.name };
  if (typeof fn.description === "string") out.description = fn.description;
  const params = fn.parameters ?? fn.inputSchema ?? fn.input_schema;
  if (params !== undefined) out.parameters = params as JsonValue;
  for (const k of Object.keys(def)) {
    if (Object.prototype.hasOwnProperty.call(out, k) || k === "function" || k === "inputSchema" || k === "input_schema") continue;
    setOwn(out, k, def[k]);
  }
  return out;
}

/** Messages, output, finish reasons and tool definitions of an AI SDK span. */
export function extractAiSdkMessages(v: SpanView, f: Facts): void {
  if (v.has("ai.prompt")) extractRootPrompt(v, f);
  if (v.has("ai.prompt.messages")) f.add("llm.inputMessages", "ai.prompt.messages", aiSdkMessages(v.get("ai.prompt.messages")));
  if (v.hasPrefix("ai.response.")) {
    const out = outputMessage(v, "ai.response", "ai.response.finishReason");
    if (out) f.add("llm.outputMessages", "ai.response.*", [out.msg], out.keys);
    f.add("llm.finishReasons", "ai.response.finishReason", normalizeFinishReasons(v.str("ai.response.finishReason")));
  }
  if (v.hasPrefix("ai.result.")) {
    const out = outputMessage(v, "ai.result", "ai.finishReason");
    if (out) f.add("llm.outputMessages", "ai.result.*", [out.msg], out.keys);
  }
  f.add("llm.finishReasons", "ai.finishReason", normalizeFinishReasons(v.str("ai.finishReason")));
  const tools = v.get("ai.prompt.tools");
  if (tools !== undefined) {
    const list = Array.isArray(tools) ? tools : maybeJson(tools);
    if (Array.isArray(list)) {
      const defs = list.map(toToolDefinition).filter((d): d is JsonValue => d !== undefined);
      f.add("llm.toolDefinitions", "ai.prompt.tools", defs);
    }
  }
}
