/**
 * Where message and I/O content lives in a canonical record, for `captureContent: false` and the
 * user `mask` callback (SPEC.md §3). Modeled fields are known by path; unmodeled attributes that
 * carry content (kept in `extras` or in span event attributes) are recognized by key, for every
 * convention in CONVENTIONS.md: a prompt must not survive just because its key was not modeled.
 */
import type { CanonicalSpan, ChatMessage, JsonObject, JsonValue, MessagePart } from "../model/record";

/** Attribute keys whose value is prompt/completion/tool/retrieval content, whatever the convention. */
const CONTENT_KEYS: ReadonlySet<string> = new Set([
  // OTel GenAI (current and deprecated)
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.prompt",
  "gen_ai.completion",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "gen_ai.retrieval.query.text",
  "gen_ai.retrieval.documents",
  "gen_ai.event.content",
  // OpenInference
  "input.value",
  "output.value",
  "llm.prompt_template.template",
  "llm.prompt_template.variables",
  "reranker.query",
  "tool_call.function.arguments",
  // OpenLLMetry / Traceloop
  "traceloop.entity.input",
  "traceloop.entity.output",
  // Vercel AI SDK (ai.prompt.format / tools / toolChoice describe structure and stay)
  "ai.prompt",
  "ai.prompt.messages",
  "ai.prompt.system",
  "ai.response.text",
  "ai.response.reasoning",
  "ai.response.toolCalls",
  "ai.response.object",
  "ai.result.text",
  "ai.result.toolCalls",
  "ai.result.object",
  "ai.toolCall.args",
  "ai.toolCall.result",
  "ai.toolCall.input",
  "ai.toolCall.output",
  "ai.value",
  "ai.values",
  "ai.embedding",
  "ai.embeddings",
  "ai.documents",
  // Langfuse
  "langfuse.observation.input",
  "langfuse.observation.output",
  "langfuse.trace.input",
  "langfuse.trace.output",
  // MLflow
  "mlflow.spanInputs",
  "mlflow.spanOutputs",
  "mlflow.chat.messages",
  "mlflow.chunk.value",
  // Logfire / pydantic-ai and bare keys Langfuse also reads
  "request_data",
  "response_data",
  "pydantic_ai.all_messages",
  "all_messages_events",
  "events",
  "final_result",
  "tool_arguments",
  "tool_response",
  "prompt",
  "completion",
  "input",
  "output",
  // Agent Lightning
  "agentlightning.operation.input",
  "agentlightning.operation.output",
  "agentlightning.message.body",
  "agentlightning.object.literal",
  "agentlightning.object.json",
  // Google ADK, Genkit, LiveKit, Flue
  "gcp.vertex.agent.llm_request",
  "gcp.vertex.agent.llm_response",
  "gcp.vertex.agent.tool_call_args",
  "gcp.vertex.agent.tool_response",
  "genkit:input",
  "genkit:output",
  "lk.input_text",
  "lk.user_transcript",
  "lk.chat_ctx",
  "lk.user_input",
  "lk.response.text",
  "lk.function_tool.output",
  "flue.turn.input",
  "flue.turn.output",
  "flue.tool.arguments",
  "flue.tool.result",
]);

/** Flattened message families: every key under these prefixes is content. */
const CONTENT_PREFIXES: readonly string[] = [
  "llm.input_messages.",
  "llm.output_messages.",
  "llm.prompts.",
  "llm.choices.",
];

/** Payload attributes of GenAI message events (`gen_ai.user.message`, `gen_ai.choice`, …). */
const EVENT_CONTENT_KEYS: ReadonlySet<string> = new Set(["content", "message", "tool_calls", "body"]);

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * True when an attribute key carries message, prompt, completion, tool or retrieval content
 * (the list above, `llm.{input,output}_messages.*`, `llm.prompts.*`, `llm.choices.*`, OpenLLMetry
 * `gen_ai.prompt.N.*` / `gen_ai.completion.N.*` — not `gen_ai.prompt.name` — and the document or
 * text leaves of `retrieval.documents.*`, `reranker.*_documents.*`, `embedding.embeddings.*`).
 */
export function isContentKey(key: string): boolean {
  if (CONTENT_KEYS.has(key)) return true;
  for (const p of CONTENT_PREFIXES) if (key.startsWith(p)) return true;
  if (key.startsWith("gen_ai.prompt.")) return isDigitAt(key, 14);
  if (key.startsWith("gen_ai.completion.")) return isDigitAt(key, 18);
  if (key.endsWith(".document.content")) {
    return key.startsWith("retrieval.documents.") || key.startsWith("reranker.");
  }
  return key.startsWith("embedding.embeddings.") && key.endsWith(".embedding.text");
}

/** Content attribute of a span event: a content key, or a payload key of a `gen_ai.*` event. */
export function isEventContentKey(eventName: string, key: string): boolean {
  return isContentKey(key) || (eventName.startsWith("gen_ai.") && EVENT_CONTENT_KEYS.has(key));
}

// ---------------------------------------------------------------------------------------------
// Removal (captureContent: false)
// ---------------------------------------------------------------------------------------------

/** Keeps a message's structure (role, name, finish reason, tool names) and drops its content. */
function skeleton(m: ChatMessage): ChatMessage {
  const parts: MessagePart[] = [];
  for (const p of Array.isArray(m.parts) ? m.parts : []) {
    if (p && p.type === "tool_call" && typeof p.name === "string") {
      parts.push(typeof p.id === "string" ? { type: "tool_call", id: p.id, name: p.name } : { type: "tool_call", name: p.name });
    }
  }
  const out: ChatMessage = { role: m.role, parts };
  if (typeof m.name === "string") out.name = m.name;
  if (typeof m.finish_reason === "string") out.finish_reason = m.finish_reason;
  return out;
}

/** Most record paths listed in `extras["canonspan.content_removed"]`. */
const MAX_REMOVED_PATHS = 100;

/**
 * Removes message and I/O content from `record` in place and returns the paths removed: the
 * modeled fields (`llm.systemInstructions`; messages keep role, name, finish reason and tool-call
 * names; tool-call arguments; `input`, `output`, `tool.arguments`, `tool.result`,
 * `retrieval.query`, document contents) and content attributes in `extras` and `events`.
 * Token counts, models, tool names and everything structural stay.
 */
export function removeContent(record: CanonicalSpan): string[] {
  const removed: string[] = [];
  const note = (path: string): void => {
    if (removed.length < MAX_REMOVED_PATHS) removed.push(path);
  };
  const llm = record.llm;
  if (llm) {
    if (llm.systemInstructions !== undefined) {
      delete llm.systemInstructions;
      note("llm.systemInstructions");
    }
    for (const f of ["inputMessages", "outputMessages"] as const) {
      const msgs = llm[f];
      if (!Array.isArray(msgs)) continue;
      llm[f] = msgs.map(skeleton);
      note(`llm.${f}`);
    }
    if (Array.isArray(llm.toolCalls) && llm.toolCalls.some((c) => c.arguments !== undefined)) {
      for (const c of llm.toolCalls) delete c.arguments;
      note("llm.toolCalls.arguments");
    }
  }
  for (const f of ["input", "output"] as const) {
    if (record[f] !== undefined) {
      delete record[f];
      note(f);
    }
  }
  for (const f of ["arguments", "result"] as const) {
    if (record.tool && record.tool[f] !== undefined) {
      delete record.tool[f];
      note(`tool.${f}`);
    }
  }
  const retrieval = record.retrieval;
  if (retrieval) {
    if (retrieval.query !== undefined) {
      delete retrieval.query;
      note("retrieval.query");
    }
    if (Array.isArray(retrieval.documents) && retrieval.documents.some((d) => d.content !== undefined)) {
      for (const d of retrieval.documents) delete d.content;
      note("retrieval.documents.content");
    }
  }
  const extras: JsonObject = record.extras ?? {};
  for (const k of Object.keys(extras)) {
    if (isContentKey(k)) {
      delete extras[k];
      note(`extras.${k}`);
    }
  }
  (record.events ?? []).forEach((e, i) => {
    for (const k of Object.keys(e.attributes ?? {})) {
      if (isEventContentKey(e.name, k)) {
        delete e.attributes[k];
        note(`events[${i}].attributes.${k}`);
      }
    }
  });
  if (removed.length > 0) {
    // Provenance of fields that are gone would only mislead.
    for (const k of Object.keys(record.sources ?? {})) {
      if (removed.some((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`))) delete record.sources[k];
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// Content slots (mask)
// ---------------------------------------------------------------------------------------------

/** One content-bearing field: its path, value, and a setter. `text` slots must stay strings. */
export interface ContentSlot {
  path: string;
  value: JsonValue;
  text: boolean;
  set(v: JsonValue): void;
}

function slot(out: ContentSlot[], path: string, holder: Record<string, unknown>, key: string, text: boolean): void {
  const value = holder[key];
  if (value === undefined) return;
  if (text && typeof value !== "string") return;
  out.push({ path, value: value as JsonValue, text, set: (v) => void (holder[key] = v) });
}

function partSlots(out: ContentSlot[], parts: unknown, base: string): void {
  if (!Array.isArray(parts)) return;
  parts.forEach((p: unknown, j) => {
    if (!p || typeof p !== "object") return;
    const part = p as Record<string, unknown>;
    const at = `${base}[${j}]`;
    if (part.type === "tool_call") slot(out, `${at}.arguments`, part, "arguments", false);
    else if (part.type === "tool_call_response") {
      slot(out, `${at}.response`, part, "response", false);
      slot(out, `${at}.result`, part, "result", false);
    } else slot(out, `${at}.content`, part, "content", typeof part.content === "string");
  });
}

/**
 * Every content-bearing field of a normalized record, whatever convention it came from: message
 * parts (text / reasoning / blob content, tool-call arguments, tool responses), `llm.toolCalls`
 * arguments, `tool.arguments` / `tool.result`, `input` / `output`, `retrieval.query` and document
 * contents, and content attributes left in `extras` or span events.
 */
export function contentSlots(record: CanonicalSpan): ContentSlot[] {
  const out: ContentSlot[] = [];
  const llm = record.llm;
  if (llm) {
    partSlots(out, llm.systemInstructions, "llm.systemInstructions");
    for (const f of ["inputMessages", "outputMessages"] as const) {
      (llm[f] ?? []).forEach((m, i) => partSlots(out, m?.parts, `llm.${f}[${i}].parts`));
    }
    (llm.toolCalls ?? []).forEach((c, i) => slot(out, `llm.toolCalls[${i}].arguments`, c as never, "arguments", false));
  }
  const rec = record as unknown as Record<string, unknown>;
  slot(out, "input", rec, "input", false);
  slot(out, "output", rec, "output", false);
  if (record.tool) {
    slot(out, "tool.arguments", record.tool as never, "arguments", false);
    slot(out, "tool.result", record.tool as never, "result", false);
  }
  if (record.retrieval) {
    slot(out, "retrieval.query", record.retrieval as never, "query", true);
    (record.retrieval.documents ?? []).forEach((d, i) => slot(out, `retrieval.documents[${i}].content`, d as never, "content", true));
  }
  const extras: JsonObject = record.extras ?? {};
  for (const k of Object.keys(extras)) if (isContentKey(k)) slot(out, `extras.${k}`, extras, k, false);
  (record.events ?? []).forEach((e, i) => {
    for (const k of Object.keys(e.attributes ?? {})) {
      if (isEventContentKey(e.name, k)) slot(out, `events[${i}].attributes.${k}`, e.attributes, k, false);
    }
  });
  return out;
}
