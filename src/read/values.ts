/**
 * Typed readers for attribute values (CONVENTIONS.md §7.1–7.3). Pure functions; they accept
 * anything and return `undefined` for values that are absent or not meaningful.
 */
import type { JsonValue } from "../model/record";
import { maybeJson } from "./json";

/** `null`, `undefined`, `""`, `[]` and `{}` count as absent (§7.1). */
export function isMeaningful(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") {
    for (const _ in v as object) return true;
    return false;
  }
  if (typeof v === "number") return !Number.isNaN(v);
  return true;
}

/** True when `o` has an own enumerable key; unlike `Object.keys(o).length`, allocates nothing. */
export function hasOwnKeys(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}

/** Unwraps OTLP-JSON AnyValue shapes (`{"intValue":"12"}`, `{"doubleValue":1.5}`, …). */
function unwrapAnyValue(v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ("intValue" in o) return o.intValue;
    if ("doubleValue" in o) return o.doubleValue;
    if ("stringValue" in o) return o.stringValue;
    if ("boolValue" in o) return o.boolValue;
  }
  return v;
}

export function asString(v: unknown): string | undefined {
  v = unwrapAnyValue(v);
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return String(v);
  return undefined;
}

/** A finite number from a number or numeric string (§7.2). */
export function asNumber(v: unknown): number | undefined {
  v = unwrapAnyValue(v);
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string") {
    const t = v.trim();
    if (t === "") return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

/** A non-negative integer token count (rounded), or undefined. */
export function asCount(v: unknown): number | undefined {
  const n = asNumber(v);
  if (n === undefined || n < 0) return undefined;
  return Math.round(n);
}

/** Booleans, `"true"`/`"false"` (any case), `1`/`0` and `"1"`/`"0"` (§7.3). */
export function asBoolean(v: unknown): boolean | undefined {
  v = unwrapAnyValue(v);
  if (typeof v === "boolean") return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "true" || t === "1") return true;
    if (t === "false" || t === "0") return false;
  }
  return undefined;
}

/**
 * A string list from a native array, a JSON array string, a comma-separated string or a
 * single string (CONVENTIONS.md §8.9 tags).
 */
export function asStringList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined; // the usual case (key absent): no array
  v = maybeJson(v);
  let out: string[] = [];
  if (Array.isArray(v)) {
    for (const x of v) {
      const s = asString(x);
      if (s !== undefined) out.push(s);
    }
  } else if (typeof v === "string") {
    out = v.includes(",") ? v.split(",").map((s) => s.trim()).filter((s) => s !== "") : [v];
  } else {
    const s = asString(v);
    if (s !== undefined) out = [s];
  }
  return out.length > 0 ? out : undefined;
}

/** A JSON value: JSON text is parsed, other values pass through as JSON. */
export function asJson(v: unknown): JsonValue | undefined {
  if (!isMeaningful(v)) return undefined;
  const p = maybeJson(v);
  // A native attribute array belongs to the span: hand out a copy, never the span's own array.
  return (Array.isArray(p) && p === v ? [...p] : p) as JsonValue;
}

/** A plain object parsed from an object or JSON object text, else undefined. */
export function asObject(v: unknown): Record<string, JsonValue> | undefined {
  const p = maybeJson(v);
  if (p && typeof p === "object" && !Array.isArray(p)) return p as Record<string, JsonValue>;
  return undefined;
}

/** An array parsed from an array or JSON array text, else undefined. */
export function asArray(v: unknown): JsonValue[] | undefined {
  const p = maybeJson(v);
  if (!Array.isArray(p)) return undefined;
  return (p === v ? [...p] : p) as JsonValue[];
}
