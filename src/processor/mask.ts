/**
 * The user mask stage (SPEC.md §3): the mask sees every content-bearing field of the normalized
 * record (content.ts lists them) and fails closed — a throw, a non-JSON result, a non-string for
 * a text field or an over-budget call turns the field into `"[MASK_FAILED]"`; after an
 * over-budget call the mask is not called again for that record and its remaining content fields
 * fail closed too. Nothing of an original value survives a failure.
 */
import type { CanonicalSpan, JsonValue } from "../model/record";
import { MAX_JSON_DEPTH, setOwn } from "../read/json";
import { toWellFormed } from "../read/strings";
import { contentSlots } from "./content";
import type { MaskFailureReason, MaskFn, RedactorStats } from "./redact";

/** Value of a content field whose mask call failed. */
export const MASK_FAILED = "[MASK_FAILED]";
/** Most values a mask result may hold: a result larger than that is treated as invalid. */
const MAX_MASK_NODES = 100_000;

/** A fresh plain JSON copy of a mask result, or undefined when it is not JSON. Never throws. */
function toJson(v: unknown): JsonValue | undefined {
  const budget = { n: MAX_MASK_NODES };
  const copy = (x: unknown, depth: number): JsonValue | undefined => {
    if (--budget.n < 0) return undefined;
    switch (typeof x) {
      case "string":
        return toWellFormed(x);
      case "number":
        return Number.isFinite(x) ? x : undefined;
      case "boolean":
        return x;
      case "object":
        break;
      default:
        return undefined;
    }
    if (x === null) return null;
    if (depth >= MAX_JSON_DEPTH) return undefined;
    if (Array.isArray(x)) {
      const out: JsonValue[] = [];
      for (let i = 0; i < x.length; i++) {
        const y = copy(x[i], depth + 1);
        if (y === undefined) return undefined;
        out.push(y);
      }
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) return undefined; // Promise, Date, Map, class
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(x)) {
      const y = copy((x as Record<string, unknown>)[k], depth + 1);
      if (y === undefined) return undefined;
      setOwn(out, toWellFormed(k), y);
    }
    return out;
  };
  try {
    return copy(v, 0);
  } catch {
    return undefined; // a throwing getter or proxy trap
  }
}

/** An async mask's promise is ignored; make sure its rejection cannot crash the process. */
function silence(v: unknown): void {
  try {
    const then = (v as { then?: unknown } | null)?.then;
    if (typeof then === "function") then.call(v, undefined, () => undefined);
  } catch {
    /* nothing to do */
  }
}

/**
 * Runs `fn` on every content slot of `record` in place, counting calls and failures in `stats`;
 * `warn` receives one message per failure (callers rate-limit). Never throws.
 */
export function applyMask(
  record: CanonicalSpan,
  fn: MaskFn,
  timeoutMs: number,
  stats: RedactorStats,
  warn: (msg: string) => void,
): void {
  let disabled = false;
  for (const slot of contentSlots(record)) {
    let reason: MaskFailureReason | undefined;
    let out: JsonValue | undefined;
    if (disabled) reason = "skipped";
    else {
      let raw: unknown;
      stats.maskCalls++;
      const t0 = performance.now();
      try {
        raw = fn(slot.value, { path: slot.path, record });
      } catch {
        reason = "threw";
      }
      // A synchronous call cannot be interrupted: measure it and stop trusting a slow mask.
      if (performance.now() - t0 > timeoutMs) {
        reason = "timeout";
        disabled = true;
      }
      if (reason === undefined) {
        out = toJson(raw);
        if (out === undefined || (slot.text && typeof out !== "string")) reason = "invalid";
      }
      if (reason !== undefined) silence(raw);
    }
    if (reason === undefined) slot.set(out as JsonValue);
    else {
      slot.set(MASK_FAILED);
      stats.maskFailures++;
      stats.maskFailuresByReason[reason]++;
      // The path names a field, never its value: no content reaches the log.
      if (reason !== "skipped") {
        const what = reason === "timeout" ? `took over ${timeoutMs} ms` : reason;
        warn(`mask ${what} at ${slot.path}; the field is "${MASK_FAILED}"`);
      }
    }
  }
}
