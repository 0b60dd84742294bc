/**
 * The JSONL line encoder: one canonical record → one line of JSON text (SPEC.md §5).
 *
 * Fast path: one `JSON.stringify` per record (8–10 µs for a 3.3 KB record of the PERFORMANCE.md
 * workload, 2 vCPUs). Caching the serialized `resource` by identity and splicing it in was
 * measured and rejected: −5 % with an 800-byte resource, +8 % with the default 150-byte one.
 * The guards below add about 0.1 µs (three `indexOf` scans; a combined regex cost 1.7 µs).
 *
 * Guards, all linear and nearly free on well-formed records:
 * - `JSON.stringify` throws (cycle, `BigInt`, a throwing getter or `toJSON`, nesting past
 *   V8's stack): a bounded walk rebuilds a plain copy first (depth, node and cycle limits).
 * - A lone surrogate (which `JSON.stringify` writes as an escaped `\udXXX` that strict
 *   consumers reject): the same walk replaces it with U+FFFD.
 * - U+2028 / U+2029 / U+0085 are legal in JSON but split lines for some line readers (Python's
 *   `splitlines`, editors): they are written escaped, so one record is always one line.
 */
import { randomBytes } from "node:crypto";
import { SCHEMA_VERSION } from "../model/record";
import { rawJsonOf } from "../read/raw-json";
import { setOwn } from "../read/json";
import { toWellFormed, truncate } from "../read/strings";

/** Deeper than any record the converter builds (record nesting + 64 levels of parsed JSON). */
export const MAX_ENCODE_DEPTH = 128;
/** Upper bound on values visited by the fallback walk; past it values become `"[Truncated]"`. */
export const MAX_ENCODE_NODES = 1_000_000;

// `JSON.stringify` escapes lone surrogates as lowercase `\ud800`…`\udfff`; a match must not be
// an escaped backslash followed by literal "ud…" text, hence the even run of backslashes.
const LONE_SURROGATE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;
const LINE_SEPARATORS = /[\u0085\u2028\u2029]/g;

function escapeSeparator(c: string): string {
  return c === "\u2028" ? "\\u2028" : c === "\u2029" ? "\\u2029" : "\\u0085";
}

/**
 * Escapes U+2028, U+2029 and NEL (U+0085), which `JSON.stringify` leaves raw and some line
 * readers split on. They only occur inside JSON strings, where an escape is equivalent.
 */
function escapeLineSeparators(s: string): string {
  if (s.indexOf("\u2028") === -1 && s.indexOf("\u2029") === -1 && s.indexOf("\u0085") === -1) return s;
  return s.replace(LINE_SEPARATORS, escapeSeparator);
}

/**
 * Encodes a record as one line of JSON text without the newline, or `undefined` when even the
 * fallback failed (the text would exceed V8's string limit). Never throws.
 */
export function tryEncodeRecord(record: unknown): string | undefined {
  let raw = rawMessagesOf(record);
  let s: string | undefined;
  try {
    s = raw ? stringifyWithPlaceholders(record, raw) : (JSON.stringify(record) as string | undefined);
  } catch {
    s = undefined;
  }
  if (typeof s !== "string" || (s.indexOf("\\ud") !== -1 && LONE_SURROGATE_ESCAPE.test(s))) {
    raw = undefined;
    try {
      s = JSON.stringify(toSafeJson(record)) as string | undefined;
    } catch {
      return undefined;
    }
    if (typeof s !== "string") return undefined;
  }
  // The guards run on the text with placeholders: the embedded texts passed them when remembered.
  s = escapeLineSeparators(s);
  return raw ? spliceRaw(s, raw) : s;
}

/**
 * Placeholders for message lists whose original JSON text is embedded (raw-json.ts): strings
 * with a per-process random nonce, so no span data can contain their JSON form.
 */
const NONCE = randomBytes(12).toString("hex");
const RAW_IN = `\u0001canonspan:in:${NONCE}`;
const RAW_OUT = `\u0001canonspan:out:${NONCE}`;
const RAW_IN_JSON = JSON.stringify(RAW_IN);
const RAW_OUT_JSON = JSON.stringify(RAW_OUT);

/** The original JSON texts of a record's message lists, where they can stand for them. */
interface RawMessages {
  input: string | undefined;
  output: string | undefined;
}

function rawMessagesOf(record: unknown): RawMessages | undefined {
  try {
    const llm = (record as { llm?: { inputMessages?: unknown; outputMessages?: unknown } } | null | undefined)?.llm;
    if (!llm) return undefined;
    const input = rawJsonOf(record as object, llm.inputMessages);
    const output = rawJsonOf(record as object, llm.outputMessages);
    return input === undefined && output === undefined ? undefined : { input, output };
  } catch {
    return undefined; // a hostile getter: the plain path handles it
  }
}

/**
 * `JSON.stringify(record)` with the message lists of `raw` written as placeholders: they are
 * swapped in for the call (the record is ours, and this runs synchronously) and restored after.
 * Re-escaping two ~2 KB message lists was a third of a chat record's serialization.
 */
function stringifyWithPlaceholders(record: unknown, raw: RawMessages): string | undefined {
  const llm = (record as { llm: { inputMessages?: unknown; outputMessages?: unknown } }).llm;
  const input = llm.inputMessages;
  const output = llm.outputMessages;
  try {
    if (raw.input !== undefined) llm.inputMessages = RAW_IN;
    if (raw.output !== undefined) llm.outputMessages = RAW_OUT;
    return JSON.stringify(record) as string | undefined;
  } finally {
    llm.inputMessages = input;
    llm.outputMessages = output;
  }
}

/** `text` with each placeholder replaced by its raw text, in one pass (the input list comes first). */
function spliceRaw(text: string, raw: RawMessages): string {
  const i = raw.input === undefined ? -1 : text.indexOf(RAW_IN_JSON);
  const j = raw.output === undefined ? -1 : text.indexOf(RAW_OUT_JSON, i === -1 ? 0 : i);
  if (j === -1) return i === -1 ? text : text.slice(0, i) + raw.input! + text.slice(i + RAW_IN_JSON.length);
  if (i === -1) return text.slice(0, j) + raw.output! + text.slice(j + RAW_OUT_JSON.length);
  return text.slice(0, i) + raw.input! + text.slice(i + RAW_IN_JSON.length, j) + raw.output! + text.slice(j + RAW_OUT_JSON.length);
}

/**
 * Encodes one canonical record as a single line of JSON (no trailing newline). Never throws:
 * values `JSON.stringify` cannot handle are replaced (`"[Circular]"`, `"[MaxDepth]"`,
 * `"[Unserializable]"`, `BigInt` as a decimal string), and a record that cannot be encoded at
 * all becomes a small object with its `schema`, `traceId`, `spanId` and `name` and
 * `dropped.errors["*"] = "unserializable"`.
 */
export function encodeRecord(record: unknown): string {
  return tryEncodeRecord(record) ?? unserializableStub(record);
}

/** {@link encodeRecord} followed by `"\n"`: one complete JSONL line. */
export function encodeLine(record: unknown): string {
  return encodeRecord(record) + "\n";
}

const LAST_RESORT_LINE = `{"schema":"${SCHEMA_VERSION}","dropped":{"errors":{"*":"unserializable"}}}`;

function unserializableStub(record: unknown): string {
  try {
    return identityStub(record);
  } catch {
    return LAST_RESORT_LINE;
  }
}

function identityStub(record: unknown): string {
  const out: Record<string, unknown> = { schema: SCHEMA_VERSION };
  for (const key of ["traceId", "spanId", "name"]) {
    try {
      const v = (record as Record<string, unknown> | null | undefined)?.[key];
      if (typeof v === "string") out[key] = toWellFormed(truncate(v, 1024));
    } catch {
      /* a hostile getter: leave the field out */
    }
  }
  out.dropped = { errors: { "*": "unserializable" } };
  return escapeLineSeparators(JSON.stringify(out));
}

/**
 * A plain, acyclic, depth- and size-bounded copy of `value` with the `JSON.stringify`
 * semantics (own enumerable keys, `toJSON`, `undefined`/functions/symbols omitted in objects
 * and `null` in arrays, non-finite numbers `null`) and well-formed strings. Never throws.
 */
export function toSafeJson(value: unknown): unknown {
  const state: WalkState = { budget: MAX_ENCODE_NODES, ancestors: new Set() };
  const out = walk(value, "", 0, state, true);
  return out === undefined ? null : out;
}

interface WalkState {
  budget: number;
  ancestors: Set<object>;
}

function walk(v: unknown, key: string, depth: number, state: WalkState, callToJson: boolean): unknown {
  if (--state.budget < 0) return "[Truncated]";
  switch (typeof v) {
    case "string":
      return toWellFormed(v);
    case "number":
      return Number.isFinite(v) ? v : null;
    case "boolean":
      return v;
    case "bigint":
      return v.toString();
    case "object":
      break;
    default:
      return undefined; // undefined, function, symbol
  }
  if (v === null) return null;
  const obj = v as object;
  if (callToJson) {
    try {
      const toJSON = (obj as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return walk(toJSON.call(obj, key), key, depth, state, false);
    } catch {
      return "[Unserializable]";
    }
  }
  if (depth >= MAX_ENCODE_DEPTH) return "[MaxDepth]";
  if (state.ancestors.has(obj)) return "[Circular]";
  state.ancestors.add(obj);
  try {
    return Array.isArray(obj) ? walkArray(obj, depth, state) : walkObject(obj, depth, state);
  } catch {
    return "[Unserializable]"; // a revoked Proxy, a throwing ownKeys trap
  } finally {
    state.ancestors.delete(obj);
  }
}

function walkArray(arr: unknown[], depth: number, state: WalkState): unknown[] {
  const n = Math.min(arr.length, Math.max(0, state.budget));
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let item: unknown;
    try {
      item = walk(arr[i], String(i), depth + 1, state, true);
    } catch {
      item = "[Unserializable]";
    }
    out[i] = item === undefined ? null : item;
  }
  if (arr.length > n) out.push("[Truncated]");
  return out;
}

function walkObject(obj: object, depth: number, state: WalkState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(obj);
  for (const k of keys) {
    if (state.budget <= 0) {
      setOwn(out, "[Truncated]", true);
      break;
    }
    let item: unknown;
    try {
      item = walk((obj as Record<string, unknown>)[k], k, depth + 1, state, true);
    } catch {
      item = "[Unserializable]";
    }
    if (item !== undefined) setOwn(out, toWellFormed(k), item);
  }
  return out;
}

/**
 * The `sequenceId` of a line encoded before its number was known. The record is encoded with
 * this 16-digit placeholder, as long as any real id (< 2^53): numbering only shortens the line,
 * so it never outgrows a line-length cap it passed. The fields before `sequenceId` (ids, name,
 * kind, type, status, error, times) have no keys from span data, and a quote inside a JSON
 * string is escaped, so the first occurrence of the placeholder text is that field.
 */
export const SEQUENCE_PLACEHOLDER = 1_000_000_000_000_000;
const PLACEHOLDER_TEXT = `,"sequenceId":${SEQUENCE_PLACEHOLDER},`;

/** True when `line` holds the placeholder `sequenceId`. */
export function hasSequencePlaceholder(line: string): boolean {
  return line.indexOf(PLACEHOLDER_TEXT) !== -1;
}

/**
 * `line` with its placeholder `sequenceId` replaced by `n`, and how many characters shorter
 * it got (ASCII: as many UTF-8 bytes); `undefined` when it has no placeholder.
 */
export function withSequenceId(line: string, n: number): { line: string; shorter: number } | undefined {
  const at = line.indexOf(PLACEHOLDER_TEXT);
  if (at === -1) return undefined;
  const field = `,"sequenceId":${n},`;
  return { line: line.slice(0, at) + field + line.slice(at + PLACEHOLDER_TEXT.length), shorter: PLACEHOLDER_TEXT.length - field.length };
}
