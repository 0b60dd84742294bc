/**
 * OpenInference flattened content (CONVENTIONS.md §2.2, §7.6): indexed messages with their
 * `contents` and `tool_calls`, the legacy completions keys, tool definitions, embeddings,
 * retrieval and reranker documents. Every reader works on the null-prototype trees built by
 * `SpanView.tree`, so hostile segments (`__proto__`, `constructor`, huge or negative indices)
 * are plain data or ignored, never a path into a prototype.
 */
import type { ChatMessage, JsonValue, MessagePart } from "../model/record";
import { normalizeToolDefinition } from "../read/tool-definitions";
import { maybeJson, setOwn } from "../read/json";
import { toolArguments } from "../read/messages";
import type { SpanView } from "../read/span-view";
import { at, indexedChildren, type FlatTree } from "../read/unflatten";
import { asNumber, asString } from "../read/values";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** True when `key` continues `head` with a 1–9 digit index and a non-empty remainder. */
function isIndexedKey(key: string, head: string): boolean {
  let i = head.length;
  const start = i;
  while (i < key.length && i - start < 10) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  const digits = i - start;
  if (digits < 1 || digits > 9 || key.charCodeAt(i) !== 46 /* . */ || i + 1 >= key.length || key.includes("..", i) || key.endsWith(".")) return false;
  // Keys deeper than the unflattener's segment limit are not in the tree: they stay extras.
  let dots = 0;
  for (let j = i; j < key.length; j++) if (key.charCodeAt(j) === 46 && ++dots > MAX_ENTRY_DEPTH) return false;
  return true;
}

/** Segments after `prefix.` that `unflattenPrefix` accepts (its MAX_SEGMENTS), minus the index. */
const MAX_ENTRY_DEPTH = 31;

/**
 * The indexed entries under `prefix` (`prefix.N.…`), sorted by index, and the attribute keys
 * they were read from. Keys with a non-numeric second segment (`gen_ai.prompt.name`) are not
 * entries and are not returned.
 */
export function indexedEntries(
  view: SpanView,
  prefix: string,
  known?: (field: string) => boolean,
): { items: FlatTree[]; keys: string[] } | undefined {
  const head = prefix + ".";
  if (!view.hasPrefix(head)) return undefined;
  const t = view.tree(prefix);
  if (!t) return undefined;
  const items = indexedChildren(t.tree);
  if (items.length === 0) return undefined;
  const keys = t.keys.filter((k) => k.startsWith(head) && isIndexedKey(k, head) && (!known || known(fieldOf(k, head))));
  return { items, keys };
}

/** The entry field of an indexed key: `message.role` in `llm.input_messages.3.message.role`. */
function fieldOf(key: string, head: string): string {
  return key.slice(key.indexOf(".", head.length) + 1);
}

/** Fields of an OpenInference message entry that `openInferenceMessage` reads. */
const MESSAGE_FIELDS = /^message\.(role|content|contents\.\d+\.(message_content\.(type|text|image\.image\.url|image\.url|audio\.audio\.url|audio\.audio\.mime_type|audio\.url)|tool_call\.(id|function\.name|function\.arguments))|name|tool_call_id|tool_calls\.\d+\.tool_call\.(id|function\.name|function\.arguments)|function_call_name|function_call_arguments_json)$/;

/** A plain string of a leaf, or undefined. */
function s(v: unknown): string | undefined {
  return asString(v);
}

/** Media (image / audio) by URL or data URL → an OTel `uri` or `blob` part. */
function mediaPart(modality: string, url: string, mime?: string): MessagePart {
  if (url.startsWith("data:")) {
    const comma = url.indexOf(",");
    const header = url.slice(5, comma < 0 ? undefined : comma);
    const part: MessagePart = { type: "blob", modality, content: comma < 0 ? "" : url.slice(comma + 1) };
    const m = mime ?? header.split(";")[0];
    if (m) part.mime_type = m;
    return part;
  }
  const part: MessagePart = { type: "uri", modality, uri: url };
  if (mime) part.mime_type = mime;
  return part;
}

function toolCallPart(node: unknown): MessagePart | undefined {
  if (!isObj(node)) return undefined;
  const name = s(at(node, "function.name"));
  const id = s(node.id);
  const args = toolArguments(at(node, "function.arguments"));
  if (name === undefined && id === undefined && args === undefined) return undefined;
  const part: MessagePart = { type: "tool_call", name: name ?? "" };
  if (id) part.id = id;
  if (args !== undefined) part.arguments = args;
  return part;
}

/** One `message.contents.M` entry: `message_content.*` or an ordered `tool_call.*`. */
function contentPart(node: FlatTree): MessagePart | undefined {
  const tc = node["tool_call"];
  if (isObj(tc)) return toolCallPart(tc);
  const c = node["message_content"];
  if (!isObj(c)) return undefined;
  const type = s(c.type)?.toLowerCase() ?? (c.text !== undefined ? "text" : "");
  const text = s(c.text);
  switch (type) {
    case "text":
      return { type: "text", content: text ?? "" };
    case "reasoning":
    case "thinking":
      return { type: "reasoning", content: text ?? "" };
    case "image": {
      const url = s(at(c, "image.image.url")) ?? s(at(c, "image.url"));
      return url ? mediaPart("image", url) : undefined;
    }
    case "audio": {
      const url = s(at(c, "audio.audio.url")) ?? s(at(c, "audio.url"));
      const mime = s(at(c, "audio.audio.mime_type"));
      return url ? mediaPart("audio", url, mime) : text ? { type: "text", content: text } : undefined;
    }
    case "tool_use":
      return toolCallPart(c) ?? (text ? { type: "text", content: text } : undefined);
    default: {
      // Unknown part types are kept as generic parts with their scalar fields.
      const part: MessagePart = { type: type || "unknown" };
      for (const k of Object.keys(c)) if (k !== "type" && typeof c[k] !== "object") setOwn(part as Obj, k, c[k]);
      return part;
    }
  }
}

/** A tool response part (`tool` role): the content, parsed when it is JSON text. */
function toolResponse(id: string | undefined, text: string): MessagePart {
  const part: MessagePart = { type: "tool_call_response", response: (maybeJson(text) ?? text) as JsonValue };
  if (id) part.id = id;
  return part;
}

/** One `llm.{input,output}_messages.N` entry → an OTel ChatMessage. */
export function openInferenceMessage(entry: FlatTree, defaultRole: string): ChatMessage | undefined {
  const m = entry["message"];
  if (!isObj(m)) return undefined;
  const role = s(m.role)?.toLowerCase() ?? defaultRole;
  let parts: MessagePart[] = [];
  const contents = indexedChildren(m.contents);
  if (contents.length > 0) {
    for (const c of contents) {
      const p = contentPart(c);
      if (p) parts.push(p);
    }
  } else {
    const content = s(m.content);
    if (content !== undefined) parts.push({ type: "text", content });
  }
  const callId = s(m.tool_call_id);
  if ((role === "tool" || role === "function" || callId) && parts.length > 0 && parts.every((p) => p.type === "text")) {
    parts = [toolResponse(callId, parts.map((p) => (p as { content: string }).content).join(""))];
  }
  for (const tc of indexedChildren(m.tool_calls)) {
    const p = toolCallPart(tc["tool_call"]);
    if (p) parts.push(p);
  }
  const fnName = s(m.function_call_name);
  if (fnName !== undefined) {
    const part: MessagePart = { type: "tool_call", name: fnName };
    const args = toolArguments(m.function_call_arguments_json);
    if (args !== undefined) part.arguments = args;
    parts.push(part);
  }
  if (parts.length === 0 && s(m.role) === undefined) return undefined;
  const msg: ChatMessage = { role, parts };
  const name = s(m.name);
  if (name) msg.name = name;
  return msg;
}

/** Messages of an indexed prefix, with the keys they consumed. */
export function openInferenceMessages(view: SpanView, prefix: string, defaultRole: string): { messages: ChatMessage[]; keys: string[] } | undefined {
  const e = indexedEntries(view, prefix, (field) => MESSAGE_FIELDS.test(field));
  if (!e) return undefined;
  const messages: ChatMessage[] = [];
  for (const item of e.items) {
    const m = openInferenceMessage(item, defaultRole);
    if (m) messages.push(m);
  }
  return messages.length > 0 ? { messages, keys: e.keys } : undefined;
}

/** Legacy completions API: `llm.prompts.N.prompt.text` (or a native string array) / `llm.choices.N.completion.text`. */
export function legacyTexts(view: SpanView, prefix: string, leaf: string, role: string): { messages: ChatMessage[]; keys: string[] } | undefined {
  const list = view.get(prefix);
  if (Array.isArray(list)) {
    const messages = list.filter((x): x is string => typeof x === "string").map((t) => ({ role, parts: [{ type: "text", content: t } as MessagePart] }));
    return messages.length > 0 ? { messages, keys: [prefix] } : undefined;
  }
  const e = indexedEntries(view, prefix);
  if (!e) return undefined;
  const messages: ChatMessage[] = [];
  for (const item of e.items) {
    const t = s(at(item, leaf));
    if (t !== undefined) messages.push({ role, parts: [{ type: "text", content: t }] });
  }
  return messages.length > 0 ? { messages, keys: e.keys } : undefined;
}


/** `llm.tools.N.tool.json_schema` → tool definitions. */
export function openInferenceTools(view: SpanView): { tools: JsonValue[]; keys: string[] } | undefined {
  const e = indexedEntries(view, "llm.tools");
  if (!e) return undefined;
  const tools: JsonValue[] = [];
  for (const item of e.items) {
    const t = normalizeToolDefinition(at(item, "tool.json_schema"));
    if (t !== undefined) tools.push(t);
  }
  return tools.length > 0 ? { tools, keys: e.keys } : undefined;
}

/** `embedding.embeddings.N.embedding.{text,vector}` → input texts and output vectors. */
export function openInferenceEmbeddings(view: SpanView): { texts: string[]; vectors: JsonValue[]; keys: string[] } | undefined {
  const e = indexedEntries(view, "embedding.embeddings");
  if (!e) return undefined;
  const texts: string[] = [];
  const vectors: JsonValue[] = [];
  for (const item of e.items) {
    const t = s(at(item, "embedding.text"));
    if (t !== undefined) texts.push(t);
    const v = at(item, "embedding.vector");
    if (Array.isArray(v)) vectors.push(v.map((x) => asNumber(x) ?? null));
  }
  return { texts, vectors, keys: e.keys };
}

/** `<prefix>.N.document.{id,content,score,metadata}` → document objects (metadata parsed when JSON). */
export function openInferenceDocuments(view: SpanView, prefix: string): { documents: JsonValue[]; keys: string[] } | undefined {
  const e = indexedEntries(view, prefix);
  if (!e) return undefined;
  const documents: JsonValue[] = [];
  for (const item of e.items) {
    const d = item["document"];
    if (!isObj(d)) continue;
    const doc: Record<string, JsonValue> = {};
    const id = s(d.id);
    if (id !== undefined) doc.id = id;
    const content = s(d.content);
    if (content !== undefined) doc.content = content;
    const score = asNumber(d.score);
    if (score !== undefined) doc.score = score;
    // Python-repr metadata (`{'a': 1}`) is not JSON: it stays the raw string.
    if (d.metadata !== undefined && d.metadata !== "") doc.metadata = (maybeJson(d.metadata) ?? null) as JsonValue;
    if (Object.keys(doc).length > 0) documents.push(doc);
  }
  return documents.length > 0 ? { documents, keys: e.keys } : undefined;
}

export { normalizeToolDefinition };
