/**
 * Cleaning of values on their way into a record: well-formed strings, bounded length (cuts
 * recorded by path), plain JSON. Depth is bounded: attribute values are flat, parsed JSON is
 * depth-checked before parsing (see json.ts).
 */
import type { JsonObject, JsonValue } from "../model/record";
import { setOwn, withFastProperties } from "./json";
import { isWellFormedString, toWellFormed, truncate, TRUNCATION_MARK } from "./strings";

/** Tracks what cleaning cut, by record path. */
export class CleanContext {
  readonly truncated: string[] = [];
  /**
   * UTF-16 units of the strings cleaning let into the record (an upper bound: a string reached
   * twice counts twice); past the per-record cap, the record's strings are measured and cut
   * (record-cap.ts).
   */
  chars = 0;
  constructor(readonly maxStringLength: number) {}

  str(s: string, path: string): string {
    const w = toWellFormed(s);
    if (w.length <= this.maxStringLength) {
      this.chars += w.length;
      return w;
    }
    this.chars += this.maxStringLength;
    if (this.truncated.length < 100 && !this.truncated.includes(path)) this.truncated.push(path);
    return truncate(w, this.maxStringLength) + TRUNCATION_MARK;
  }

  /**
   * A value the pipeline owns (freshly parsed or built): returned as-is when it is already
   * clean — no allocation in the common case — else rebuilt by `value`.
   */
  owned(v: unknown, path: string): JsonValue {
    return this._isClean(v, 0) ? (v as JsonValue) : this.value(v, path);
  }

  private _isClean(v: unknown, depth: number): boolean {
    if (typeof v === "string") {
      this.chars += v.length;
      return v.length <= this.maxStringLength && isWellFormedString(v);
    }
    if (typeof v === "number") return Number.isFinite(v);
    if (typeof v === "boolean" || v === null) return true;
    if (typeof v !== "object" || depth > 64) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (!this._isClean(v[i], depth + 1)) return false;
      return true;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
    for (const k in v as object) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || k === "__proto__" || !isWellFormedString(k) || !this._isClean(x, depth + 1)) return false;
    }
    return true;
  }

  /** Any value → a fresh JSON value: strings cleaned, non-finite numbers dropped to null, depth-bounded. */
  value(v: unknown, path: string, depth = 0): JsonValue {
    if (typeof v === "string") return this.str(v, path);
    if (typeof v === "number") return Number.isFinite(v) ? v : null;
    if (typeof v === "boolean" || v === null) return v;
    if (typeof v === "bigint") return Number(v);
    if (depth > 64) return null;
    if (Array.isArray(v)) {
      const out: JsonValue[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = this.value(v[i], path, depth + 1);
      return out;
    }
    if (v && typeof v === "object") {
      const out: JsonObject = {};
      for (const k of Object.keys(v)) {
        const val = (v as Record<string, unknown>)[k];
        if (val === undefined || typeof val === "function" || typeof val === "symbol") continue;
        setOwn(out, toWellFormed(k), this.value(val, path, depth + 1));
      }
      return out;
    }
    return null;
  }

  /**
   * `value(v, prefix + key)`, building that path string only when it can be used: a string that
   * fits (the common case) needs none, which saves a string per attribute.
   */
  valueAt(v: unknown, prefix: string, key: string): JsonValue {
    if (typeof v === "string" && v.length <= this.maxStringLength) {
      this.chars += v.length;
      return toWellFormed(v);
    }
    return this.value(v, prefix + key);
  }

  /** An attribute map → a plain JSON object (values cleaned). */
  attributes(attrs: Readonly<Record<string, unknown>> | undefined, path: string): JsonObject {
    const out: JsonObject = {};
    if (!attrs) return out;
    const prefix = path + ".";
    const keys = Object.keys(attrs);
    for (const k of keys) {
      const v = attrs[k];
      if (v === undefined) continue;
      setOwn(out, toWellFormed(k), this.valueAt(v, prefix, k));
    }
    return withFastProperties(out, keys.length);
  }
}
