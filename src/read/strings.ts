/**
 * String hygiene for untrusted span data: well-formed UTF-16 and bounded length.
 * Both run in linear time and never split a surrogate pair.
 */

type WellFormedString = string & { isWellFormed?: () => boolean; toWellFormed?: () => string };

const HAS_NATIVE = typeof (String.prototype as WellFormedString).isWellFormed === "function";

/** True when `s` has no lone surrogate. */
export function isWellFormedString(s: string): boolean {
  if (HAS_NATIVE) return (s as WellFormedString).isWellFormed!();
  return toWellFormed(s) === s;
}

/** Replaces lone surrogates with U+FFFD (String.prototype.toWellFormed, with a Node 18 fallback). */
export function toWellFormed(s: string): string {
  if (HAS_NATIVE) {
    const w = s as WellFormedString;
    return w.isWellFormed!() ? s : w.toWellFormed!();
  }
  let out: string | undefined;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    out = (out ?? "") + s.slice(last, i) + "\uFFFD";
    last = i + 1;
  }
  return out === undefined ? s : out + s.slice(last);
}

/**
 * Cuts `s` to at most `max` UTF-16 code units without splitting a surrogate pair.
 * Returns the input unchanged when it fits.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max);
  const c = s.charCodeAt(end - 1);
  if (end > 0 && c >= 0xd800 && c <= 0xdbff) end--; // do not keep half a pair
  return s.slice(0, end);
}

/** Marker appended to a truncated string so readers can tell it was cut. */
export const TRUNCATION_MARK = "…[truncated]";
