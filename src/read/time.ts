import type { HrTimeLike } from "./span-input";

const MAX_DATE_MS = 8.64e15;
let cachedSecond = NaN;
let cachedPrefix = "";

/** `[seconds, nanos]` → ISO-8601 UTC with microsecond precision, e.g. `2026-01-02T03:04:05.123456Z`. */
export function hrTimeToIso(t: HrTimeLike): string {
  const sec = Number(t[0]) || 0;
  const nanos = Number(t[1]) || 0;
  let ms = sec * 1000 + Math.floor(nanos / 1e6);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) ms = 0; // NaN or outside Date's range: epoch, not a throw
  // Spans of one batch share their second: format the `YYYY-MM-DDTHH:MM:SS.` prefix once.
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const micros = Math.floor(nanos / 1000) % 1_000_000;
  const sub = ms - second * 1000 === Math.floor(micros / 1000) ? micros : (ms - second * 1000) * 1000;
  return cachedPrefix + String(sub).padStart(6, "0") + "Z";
}

/** Milliseconds between two hr-times, fractional (microsecond resolution). */
export function hrDurationMs(start: HrTimeLike, end: HrTimeLike): number {
  const ns = (Number(end[0]) - Number(start[0])) * 1e9 + (Number(end[1]) - Number(start[1]));
  // NaN or beyond any real duration (times that are not hr-times): 0, never `null` in JSON.
  return Number.isFinite(ns) ? Math.round(ns / 1e3) / 1e3 : 0;
}
