/**
 * Statistics over canonical records: spans by type, tokens by model, cost, errors. Only usage
 * with `aggregate: false` is summed, so roll-up spans never double count (SPEC §1.3).
 */
import type { CanonicalSpan } from "../model/record";

export interface ModelTokens {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  reasoningTokens: number;
}

export interface RecordSummary {
  spans: number;
  traces: number;
  byType: Record<string, number>;
  /** Per effective model (`llm.model`, else `unknown`), from non-aggregate usage. */
  tokensByModel: Record<string, ModelTokens>;
  totalTokens: number;
  costUsd: number;
  errors: number;
}

export function summarize(records: Iterable<CanonicalSpan>): RecordSummary {
  const traces = new Set<string>();
  const byType = new Map<string, number>();
  const tokens = new Map<string, ModelTokens>();
  const s: RecordSummary = { spans: 0, traces: 0, byType: {}, tokensByModel: {}, totalTokens: 0, costUsd: 0, errors: 0 };
  for (const r of records) {
    s.spans++;
    traces.add(r.traceId);
    byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    if (r.status?.code === "ERROR") s.errors++;
    const u = r.usage;
    if (u && !u.aggregate) {
      const model = r.llm?.model ?? "unknown";
      const t = tokens.get(model) ?? { calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 };
      t.calls++;
      t.inputTokens += u.inputTokens ?? 0;
      t.outputTokens += u.outputTokens ?? 0;
      t.cacheReadTokens += u.cacheReadTokens ?? 0;
      t.reasoningTokens += u.reasoningTokens ?? 0;
      tokens.set(model, t);
      s.totalTokens += u.totalTokens ?? (u.inputTokens ?? 0) + (u.outputTokens ?? 0);
      s.costUsd += r.cost?.totalUsd ?? 0;
    }
  }
  s.traces = traces.size;
  // Maps while counting (keys are untrusted), plain objects with sorted keys for output.
  for (const [k, v] of [...byType].sort()) Object.defineProperty(s.byType, k, { value: v, enumerable: true });
  for (const [k, v] of [...tokens].sort()) Object.defineProperty(s.tokensByModel, k, { value: v, enumerable: true });
  return s;
}

/** One line: `12 spans in 3 traces · gpt-4o-mini: 4 calls, 168 in / 68 out tokens · 1 error`. */
export function summaryLine(s: RecordSummary): string {
  const parts = [`${s.spans} spans in ${s.traces} trace${s.traces === 1 ? "" : "s"}`];
  const models = Object.entries(s.tokensByModel);
  if (models.length === 0) parts.push("no token usage");
  for (const [model, t] of models) {
    parts.push(`${model}: ${t.calls} call${t.calls === 1 ? "" : "s"}, ${t.inputTokens} in / ${t.outputTokens} out tokens`);
  }
  if (s.costUsd > 0) parts.push(`$${s.costUsd.toFixed(4)}`);
  parts.push(`${s.errors} error${s.errors === 1 ? "" : "s"}`);
  return parts.join(" · ");
}
