/**
 * Assembly of the derived record sections from the winning facts: `llm`, `tool`, `agent`,
 * `retrieval`, identity, tags and metadata. Post-pick rules of CONVENTIONS.md §8 live here
 * (effective model, provider normalization, finish reasons and tool calls from output
 * messages, system instructions from system-role messages, session/conversation fallbacks).
 */
import type { Field } from "../facts/precedence";
import type {
  AgentFacts,
  ChatMessage,
  JsonObject,
  JsonValue,
  LlmFacts,
  LlmParameters,
  MessagePart,
  RetrievalDocument,
  RetrievalFacts,
  SpanType,
  ToolFacts,
} from "../model/record";
import { normalizeFinishReasons } from "../read/finish";
import { setOwn, withFastProperties } from "../read/json";
import { toolCallsOf } from "../read/messages";
import { normalizeProvider } from "../read/provider";
import { normalizeToolDefinitions } from "../read/tool-definitions";
import { asNumber, asString, hasOwnKeys } from "../read/values";
import type { Picker } from "./picker";

/**
 * [parameter, its field]. Field names are spelled out rather than built with a template: a
 * constant string is interned once, while a fresh one is hashed and interned again on every
 * map look-up and `sources` store.
 */
const PARAMS: ReadonlyArray<readonly [keyof LlmParameters & string, Field]> = [
  ["temperature", "llm.parameters.temperature"],
  ["maxTokens", "llm.parameters.maxTokens"],
  ["topP", "llm.parameters.topP"],
  ["topK", "llm.parameters.topK"],
  ["frequencyPenalty", "llm.parameters.frequencyPenalty"],
  ["presencePenalty", "llm.parameters.presencePenalty"],
  ["stop", "llm.parameters.stop"],
  ["seed", "llm.parameters.seed"],
  ["n", "llm.parameters.n"],
  ["reasoningEffort", "llm.parameters.reasoningEffort"],
  ["outputType", "llm.parameters.outputType"],
];

function isObject(v: unknown): v is Record<string, JsonValue> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function buildParameters(p: Picker): LlmParameters | undefined {
  const out: LlmParameters = {};
  let count = 0;
  for (const [name, field] of PARAMS) {
    const v = p.pick(field);
    if (v !== undefined) {
      out[name] = v as JsonValue;
      count++;
    }
  }
  // Remaining request parameters, lowest precedence first so higher ones win a clash.
  const extras = p.collect("llm.parameters.extra", "llm.parameters.*").reverse();
  for (const m of extras) {
    if (!isObject(m)) continue;
    for (const k of Object.keys(m)) {
      // An own-key check: `in` would also see Object.prototype (`toString`, `__proto__` would be lost).
      if (!Object.prototype.hasOwnProperty.call(out, k) && k !== "model" && k !== "messages") {
        setOwn(out, k, m[k]);
        count++;
      }
    }
  }
  return count > 0 ? withFastProperties(out, count) : undefined;
}

const LLM_TYPES: ReadonlySet<SpanType> = new Set<SpanType>(["LLM", "EMBEDDING"]);

/** True when `llm` holds more than an operation name and the streaming flag. */
function hasModelFacts(llm: LlmFacts): boolean {
  for (const k in llm) if (k !== "operation" && k !== "streaming" && Object.prototype.hasOwnProperty.call(llm, k)) return true;
  return false;
}

export function buildLlm(p: Picker, type: SpanType): LlmFacts | undefined {
  const llm: LlmFacts = {};
  const op = asString(p.pick("llm.operation"));
  if (op) llm.operation = op;
  const provider = p.pickWhere("llm.provider", (v) => normalizeProvider(v) !== undefined);
  if (provider !== undefined) llm.provider = normalizeProvider(provider);
  const req = asString(p.pick("llm.requestModel"));
  const res = asString(p.pick("llm.responseModel"));
  if (req) llm.requestModel = req;
  if (res) llm.responseModel = res;
  const model = res ?? req ?? asString(p.pick("llm.model"));
  if (model) llm.model = model;
  const ttft = asNumber(p.pick("llm.timeToFirstTokenMs"));
  if (ttft !== undefined) llm.timeToFirstTokenMs = Math.round(ttft * 1000) / 1000;
  const params = buildParameters(p);
  if (params) llm.parameters = params;
  const input = p.pick("llm.inputMessages") as ChatMessage[] | undefined;
  const output = p.pick("llm.outputMessages") as ChatMessage[] | undefined;
  let instructions = p.pick("llm.systemInstructions") as MessagePart[] | undefined;
  if (!instructions && input) {
    const sys = input.filter((m) => m.role === "system").flatMap((m) => m.parts);
    if (sys.length > 0) {
      instructions = sys;
      p.setSource("llm.systemInstructions", "rule:system-messages");
    }
  }
  if (instructions) llm.systemInstructions = instructions;
  if (input) llm.inputMessages = input;
  if (output) llm.outputMessages = output;
  const defs = p.pick("llm.toolDefinitions");
  if (Array.isArray(defs)) llm.toolDefinitions = normalizeToolDefinitions(defs);
  const calls = toolCallsOf(output);
  if (calls) {
    llm.toolCalls = calls;
    p.setSource("llm.toolCalls", "rule:output-messages");
  }
  let finish = p.pick("llm.finishReasons") as string[] | undefined;
  if (!finish && output) {
    finish = normalizeFinishReasons(output.map((m) => m.finish_reason));
    if (finish) p.setSource("llm.finishReasons", "rule:output-messages");
  }
  if (finish) llm.finishReasons = finish;
  const rid = asString(p.pick("llm.responseId"));
  if (rid) llm.responseId = rid;
  const streaming = p.pick("llm.streaming");
  if (typeof streaming === "boolean") llm.streaming = streaming;
  else if (type === "LLM") {
    llm.streaming = false; // absence of a streaming signal means non-streaming (semconv 1.41)
    p.setSource("llm.streaming", "rule:default");
  }
  // Other spans carry `llm` only when they hold model facts, not just an operation name.
  if (!LLM_TYPES.has(type) && !hasModelFacts(llm)) return undefined;
  return llm;
}

export function buildTool(p: Picker): ToolFacts | undefined {
  const t: ToolFacts = {};
  const name = asString(p.pick("tool.name"));
  if (name) t.name = name;
  const id = asString(p.pick("tool.callId"));
  if (id) t.callId = id;
  const args = p.pick("tool.arguments");
  if (args !== undefined) t.arguments = args as JsonValue;
  const result = p.pick("tool.result");
  if (result !== undefined) t.result = result as JsonValue;
  const desc = asString(p.pick("tool.description"));
  if (desc) t.description = desc;
  const type = asString(p.pick("tool.type"));
  if (type) t.type = type;
  return hasOwnKeys(t) ? t : undefined;
}

/** [agent key, its field], spelled out like PARAMS. */
const AGENT_FIELDS: ReadonlyArray<readonly [keyof AgentFacts, Field]> = [
  ["name", "agent.name"],
  ["id", "agent.id"],
  ["description", "agent.description"],
  ["version", "agent.version"],
];

export function buildAgent(p: Picker): AgentFacts | undefined {
  const a: AgentFacts = {};
  for (const [k, field] of AGENT_FIELDS) {
    const v = asString(p.pick(field));
    if (v) a[k] = v;
  }
  return hasOwnKeys(a) ? a : undefined;
}

function toDocument(d: unknown): RetrievalDocument | undefined {
  if (typeof d === "string") return { content: d };
  if (!isObject(d)) return undefined;
  const src = isObject(d.document) ? d.document : d;
  const doc: RetrievalDocument = {};
  const id = asString(src.id);
  if (id) doc.id = id;
  const content = asString(src.content ?? src.text ?? src.document);
  if (content) doc.content = content;
  const score = asNumber(src.score ?? src.relevance_score ?? src.relevanceScore);
  if (score !== undefined) doc.score = score;
  if (src.metadata !== undefined && src.metadata !== null && src.metadata !== "") doc.metadata = src.metadata as JsonValue;
  return Object.keys(doc).length > 0 ? doc : undefined;
}

export function buildRetrieval(p: Picker, type: SpanType): RetrievalFacts | undefined {
  const r: RetrievalFacts = {};
  if (type === "RETRIEVAL" || type === "RERANKER") {
    const q = p.pick("retrieval.query");
    if (q !== undefined) r.query = typeof q === "string" ? q : JSON.stringify(q);
  }
  const docs = p.pick("retrieval.documents");
  if (Array.isArray(docs)) {
    const list = docs.map(toDocument).filter((d): d is RetrievalDocument => d !== undefined);
    if (list.length > 0) r.documents = list;
  }
  return Object.keys(r).length > 0 ? r : undefined;
}

export function buildTags(p: Picker): string[] {
  const seen = new Set<string>();
  for (const v of p.collect("tags")) {
    for (const t of Array.isArray(v) ? v : [v]) if (typeof t === "string" && t !== "") seen.add(t);
  }
  return [...seen];
}

export function buildMetadata(p: Picker): JsonObject {
  const out: JsonObject = {};
  // Merge lowest precedence first, so the highest-precedence source wins a key clash.
  let count = 0;
  for (const m of p.collect("metadata").reverse()) {
    if (!isObject(m)) continue;
    for (const k of Object.keys(m)) {
      setOwn(out, k, m[k]!);
      count++; // counts a repeated key twice: at worst a needless copy
    }
  }
  return withFastProperties(out, count);
}
