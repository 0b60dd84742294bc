/**
 * Safe JSON parsing for attribute values (CONVENTIONS.md §7.4–7.5).
 *
 * - Only text that looks like JSON (`{`, `[` or `"` after trimming) is parsed; anything else
 *   stays the raw string. Truncated JSON fails to parse and stays raw too.
 * - Nesting deeper than `MAX_JSON_DEPTH` is refused (checked on the parse result by a walk that
 *   stops at the limit), so later recursive walks and `JSON.stringify` never hit `RangeError`.
 * - A parsed value with a `__proto__` key or a lone surrogate is rebuilt into plain objects
 *   (`__proto__` an ordinary own property, strings well-formed); clean values are kept as parsed.
 */
import type { JsonValue } from "../model/record";
import { isWellFormedString, toWellFormed } from "./strings";

export const MAX_JSON_DEPTH = 64;

/** Defines `obj[key] = value` as an own data property, so `__proto__` is never a setter. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
  } else {
    obj[key] = value;
  }
}

/**
 * V8 keeps an object filled by keyed stores (`setOwn`, `o[key] = v`) as a slow dictionary once
 * it holds more than ~16 properties (measured on Node 20: 17–20 depending on shape), and
 * `JSON.stringify` of a dictionary costs about twice as much as of a fast object. A spread copy
 * has fast properties (same keys, same order, `__proto__` stays an own data property); it costs
 * ~15 ns per property, once, and pays for itself at the first stringify.
 */
const DICTIONARY_AFTER = 16;

/** `o`, or a fast-properties copy when it has more than DICTIONARY_AFTER properties (`count`). */
export function withFastProperties<T extends object>(o: T, count: number): T {
  return count > DICTIONARY_AFTER ? { ...o } : o;
}

/** Most values one {@link plainCopy} copies: a shared sub-object counts each time it is reached, so a DAG cannot explode. */
const MAX_COPY_NODES = 200_000;

/**
 * A plain, bounded deep copy of a span value, as conversion reads it. Two uses: object-valued
 * attributes are read as copies (span-view.ts), so redaction, mask and the per-record cap never
 * write into the span's own objects; and offload snapshots that structured clone refused
 * (functions, symbols, proxies, throwing getters) travel as copies. A function or symbol is
 * `null` in an array or as a value of an `attributes` map, and absent as another nested
 * property; a getter that throws leaves its property out; past depth 64 or the node budget, `null`.
 */
export function plainCopy(v: unknown): unknown {
  return copyPlain(v, 0, { left: MAX_COPY_NODES }, false);
}

function copyPlain(v: unknown, depth: number, budget: { left: number }, attributeValues: boolean): unknown {
  if (v === null || v === undefined || typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return v;
  if (typeof v !== "object" || depth > MAX_JSON_DEPTH || --budget.left < 0) return null;
  try {
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = copyPlain(v[i], depth + 1, budget, false);
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      let x: unknown;
      try {
        x = (v as Record<string, unknown>)[k];
      } catch {
        continue;
      }
      if (typeof x === "function" || typeof x === "symbol") {
        if (attributeValues) setOwn(out, k, null);
        continue;
      }
      setOwn(out, k, copyPlain(x, depth + 1, budget, k === "attributes"));
    }
    return out;
  } catch {
    return null; // a Proxy that throws on inspection
  }
}

/** Rebuilds a `JSON.parse` result into plain, well-formed values. Depth is already bounded. */
export function sanitizeJson(v: unknown): JsonValue {
  if (typeof v === "string") return toWellFormed(v);
  if (v === null || typeof v === "number" || typeof v === "boolean") return v as JsonValue;
  if (Array.isArray(v)) {
    const out: JsonValue[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = sanitizeJson(v[i]);
    return out;
  }
  if (typeof v === "object") {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v as object)) {
      setOwn(out, toWellFormed(k), sanitizeJson((v as Record<string, unknown>)[k]));
    }
    return out;
  }
  return null;
}

/** True when trimmed `s` starts like a JSON object, array or string. */
export function looksLikeJson(s: string): boolean {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) <= 32)) i++;
  const c = s.charCodeAt(i);
  return c === 123 || c === 91 || c === 34;
}

export type ParseOutcome =
  /** `rebuilt`: the value is not the `JSON.parse` result itself (see sanitizeJson). */
  | { ok: true; value: JsonValue; rebuilt: boolean }
  | { ok: false; reason: "not_json" | "invalid" | "too_deep" };

const TOO_DEEP = 2;

/**
 * Checks a `JSON.parse` result in one walk that allocates nothing: 0 = clean (every string and
 * key well-formed, no `__proto__` key), 1 = needs rebuilding, 2 = nested deeper than `maxDepth`.
 * The walk stops at `maxDepth`, so its own recursion is bounded whatever the input.
 */
function checkJson(v: unknown, depth: number, maxDepth: number): 0 | 1 | 2 {
  if (typeof v === "string") return isWellFormedString(v) ? 0 : 1;
  if (v === null || typeof v !== "object") return 0;
  if (depth >= maxDepth) return TOO_DEEP;
  let result: 0 | 1 = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = checkJson(v[i], depth + 1, maxDepth);
      if (r === TOO_DEEP) return r;
      if (r === 1) result = 1;
    }
    return result;
  }
  for (const k in v as object) {
    if (k === "__proto__" || !isWellFormedString(k)) result = 1;
    const r = checkJson((v as Record<string, unknown>)[k], depth + 1, maxDepth);
    if (r === TOO_DEEP) return r;
    if (r === 1) result = 1;
  }
  return result;
}

/**
 * Parses JSON text safely. Never throws. V8's `JSON.parse` itself accepts very deep input
 * (RELIABILITY.md: 1e6 levels); the depth check runs on the result, before anything recursive.
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): ParseOutcome {
  if (!looksLikeJson(text)) return { ok: false, reason: "not_json" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // A RangeError here means the engine's own nesting limit: too deep, not invalid.
    return { ok: false, reason: e instanceof RangeError ? "too_deep" : "invalid" };
  }
  const check = checkJson(parsed, 0, maxDepth);
  if (check === TOO_DEEP) return { ok: false, reason: "too_deep" };
  return check === 0 ? { ok: true, value: parsed as JsonValue, rebuilt: false } : { ok: true, value: sanitizeJson(parsed), rebuilt: true };
}

/**
 * The value of an attribute that may hold JSON text: parsed when it is valid JSON, else the
 * input unchanged. Non-strings pass through.
 */
export function maybeJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const r = parseJsonText(v);
  return r.ok ? r.value : v;
}

/** MLflow values are JSON-encoded, sometimes twice (CONVENTIONS.md §6.1). */
export function decodeMlflow(v: unknown): unknown {
  let out = maybeJson(v);
  if (typeof out === "string" && looksLikeJson(out)) out = maybeJson(out);
  return out;
}
