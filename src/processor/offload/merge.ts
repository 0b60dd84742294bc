/**
 * Folding the offload worker's counters into the processor's: the worker reports cumulative
 * counters (with acks, writes, flushes); the app thread adds what changed since the previous
 * report, so `stats()` and the shutdown summary cover both threads. The worker warns about its
 * own drops (through the app's `diag`), so nothing is warned again here.
 */
import type { ProcessorStats, StatsRecorder } from "../stats";

function delta(now: unknown, before: unknown): number {
  const n = typeof now === "number" && Number.isFinite(now) ? now : 0;
  const b = typeof before === "number" && Number.isFinite(before) ? before : 0;
  return n - b;
}

/** Adds `next − prev` (the worker's counters since its previous report) to `rec`. */
export function mergeWorkerStats(rec: StatsRecorder, prev: ProcessorStats | undefined, next: ProcessorStats): void {
  const converted = delta(next.converted, prev?.converted);
  if (converted > 0) rec.converted += converted;
  for (const [sink, n] of Object.entries(next.exported ?? {})) rec.addExported(sink, delta(n, prev?.exported[sink]));
  for (const [reason, n] of Object.entries(next.dropped ?? {})) {
    const d = delta(n, prev?.dropped[reason]);
    if (d > 0) rec.dropped.set(reason, (rec.dropped.get(reason) ?? 0) + d);
  }
}

/** Adds every number of `add` to the same path of `target` (plain counter trees, depth-bounded). */
export function addCounts(target: Record<string, unknown>, add: Record<string, unknown>, depth = 0): void {
  if (depth > 4) return;
  for (const [k, v] of Object.entries(add)) {
    const t = target[k];
    if (typeof v === "number" && typeof t === "number") target[k] = t + v;
    else if (v && typeof v === "object" && t && typeof t === "object") addCounts(t as Record<string, unknown>, v as Record<string, unknown>, depth + 1);
  }
}
