/**
 * The per-record cap (RELIABILITY.md §5.2, C7): a record whose strings add up to more than
 * `maxRecordLength` UTF-16 units has its longest strings cut to one common length, the largest
 * that brings the total under the cap ("water-filling": short strings stay whole, and no string
 * is cut shorter than another one that stays longer). Only spans whose cleaning saw that much
 * text pay for the walk, so the common span costs one comparison.
 */
import { forgetRawJson } from "../read/raw-json";
import { truncate, TRUNCATION_MARK } from "../read/strings";

/** Strings are never cut below this many units: past it, the cap gives way (a record of countless tiny strings stays whole). */
export const MIN_CUT_LENGTH = 256;
/** Deeper than any record the converter builds (record nesting + 64 levels of parsed JSON). */
const MAX_DEPTH = 128;
/** Most cut paths listed in `dropped.truncated` (as cleaning does). */
const MAX_LISTED = 100;

/** A string long enough to be cut, where it sits, and the objects above it. */
interface Slot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  length: number;
  path: string;
  above: object[];
}

/**
 * Cuts the longest strings of `record` so that its strings total at most `max` units, listing
 * the cut paths in `truncated`; returns how many strings it cut. Values holding a cut string
 * lose their original JSON text (raw-json.ts): the encoders then write what the record holds.
 */
export function capRecordStrings(record: object, max: number, truncated: string[]): number {
  const slots: Slot[] = [];
  const fixed = collect(record, "", [], 0, slots);
  let total = fixed;
  for (const s of slots) total += s.length;
  if (total <= max) return 0;
  const cut = cutLength(slots, Math.max(0, max - fixed));
  let n = 0;
  for (const s of slots) {
    if (s.length <= cut) continue;
    const holder = s.holder as Record<string | number, unknown>;
    holder[s.key] = truncate(holder[s.key] as string, cut) + TRUNCATION_MARK;
    for (const o of s.above) forgetRawJson(o);
    if (truncated.length < MAX_LISTED && !truncated.includes(s.path)) truncated.push(s.path);
    n++;
  }
  return n;
}

/**
 * The largest length L ≥ {@link MIN_CUT_LENGTH} with Σ min(length, L) ≤ `budget` over `slots`
 * (or the minimum when even that does not fit).
 */
function cutLength(slots: Slot[], budget: number): number {
  const lengths = slots.map((s) => s.length).sort((a, b) => a - b);
  let below = 0; // total of the strings shorter than the candidate length
  for (let i = 0; i < lengths.length; i++) {
    const rest = lengths.length - i;
    // Every string from i on is cut to an equal share of what the shorter ones leave.
    const share = Math.floor((budget - below) / rest);
    if (share < lengths[i]!) return Math.max(MIN_CUT_LENGTH, share);
    below += lengths[i]!;
  }
  return Math.max(MIN_CUT_LENGTH, lengths[lengths.length - 1] ?? 0);
}

/** Records the strings of `v` longer than the minimum cut in `slots`; returns the length of the others. */
function collect(v: unknown, path: string, above: object[], depth: number, slots: Slot[]): number {
  if (v === null || typeof v !== "object" || depth > MAX_DEPTH) return 0;
  const chain = [...above, v];
  let fixed = 0;
  const visit = (x: unknown, key: string | number, at: string): void => {
    // The resource is one object shared by the records of a provider (core-fields.ts): never cut in place.
    if (depth === 0 && key === "resource") fixed += stringLength(x, 0);
    else if (typeof x === "string") {
      if (x.length > MIN_CUT_LENGTH) slots.push({ holder: v as Slot["holder"], key, length: x.length, path: at, above: chain });
      else fixed += x.length;
    } else fixed += collect(x, at, chain, depth + 1, slots);
  };
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) visit(v[i], i, path);
  else for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k], k, path === "" ? k : `${path}.${k}`);
  return fixed;
}

/** UTF-16 units of the strings in `v` (bounded depth). */
function stringLength(v: unknown, depth: number): number {
  if (typeof v === "string") return v.length;
  if (v === null || typeof v !== "object" || depth > MAX_DEPTH) return 0;
  let n = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += stringLength(x, depth + 1);
  return n;
}
