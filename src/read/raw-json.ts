/**
 * The JSON text a value was parsed from, when that text can stand for the value in output.
 *
 * Message attributes arrive as JSON text (`gen_ai.input.messages`, ~2 KB each in the
 * PERFORMANCE.md workload). When they are already in the canonical form, the record holds their
 * parse result unchanged, and re-serializing it is most of a record's `JSON.stringify` cost and
 * of its OTLP encoding. The encoders embed the original text instead, but only when it says
 * exactly what the value says:
 * - the value is the untouched `JSON.parse` result (no well-formedness or `__proto__` rebuild);
 * - the text has no duplicate keys: `{"api_key":"s3cret","api_key":""}` parses to `""`, and a
 *   redaction that checked the parse result would let the raw text leak `s3cret`. Counted in
 *   linear time: with no `\u` escape in the text, every `:` outside strings starts a member and
 *   every `:` inside one is a `:` of a parsed string, so the members of the text minus the keys
 *   of the value is 0 exactly when no key was repeated;
 * - the text has no raw line break (pretty-printed JSON) and no U+2028, U+2029 or NEL, which
 *   the JSONL encoder would have escaped: a record stays one line for every line reader;
 * - nothing changed the value since: only a record the pipeline's redactor passed unchanged
 *   (nothing removed, masked or redacted) is granted its texts ({@link grantRawJson}). A record
 *   built with `toCanonicalSpan` and encoded by the caller, who may have changed it in place, is
 *   always serialized.
 */

const RAW = new WeakMap<object, string>();
/** Records whose values still say what their texts say (see the module comment). */
const GRANTED = new WeakSet<object>();

function countChar(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i !== -1; i = s.indexOf(c, i + 1)) n++;
  return n;
}

/** Object keys in `v`, and `:` characters in its keys and strings (depth is bounded by the parser's check). */
function tally(v: unknown, acc: { keys: number; colons: number }): void {
  if (typeof v === "string") {
    acc.colons += countChar(v, ":");
    return;
  }
  if (v === null || typeof v !== "object") return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) tally(v[i], acc);
    return;
  }
  for (const k in v as object) {
    acc.keys++;
    acc.colons += countChar(k, ":");
    tally((v as Record<string, unknown>)[k], acc);
  }
}

/** True when `text`, of which `value` is the untouched parse result, can be written in its place (see the module comment). */
export function canStandFor(text: string, value: unknown): boolean {
  if (text.indexOf("\\u") !== -1 || text.indexOf("\n") !== -1 || text.indexOf("\r") !== -1) return false;
  if (text.indexOf("\u2028") !== -1 || text.indexOf("\u2029") !== -1 || text.indexOf("\u0085") !== -1) return false;
  const acc = { keys: 0, colons: 0 };
  tally(value, acc);
  return countChar(text, ":") - acc.colons === acc.keys;
}

/**
 * Remembers `text` as the JSON text of `value`, the untouched result of `JSON.parse(text)`,
 * when it can stand for it; returns whether it did.
 */
export function rememberRawJson(value: object, text: string): boolean {
  if (!canStandFor(text, value)) return false;
  RAW.set(value, text);
  return true;
}

/** `value` was changed in place (the per-record cap cut a string in it): its text no longer stands for it. */
export function forgetRawJson(value: object): void {
  RAW.delete(value);
}

/** The redactor passed `record` unchanged: its values may be written as their texts. */
export function grantRawJson(record: object): void {
  GRANTED.add(record);
}

/** The JSON text `value` (a value of `record`) was parsed from, when it can be written in its place. */
export function rawJsonOf(record: object, value: unknown): string | undefined {
  return value !== null && typeof value === "object" && GRANTED.has(record) ? RAW.get(value) : undefined;
}
