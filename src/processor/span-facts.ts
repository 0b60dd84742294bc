/**
 * Span facts: what the thread that saw a span start and end knows besides the span's data
 * (filter ancestry, `withRollout` ids, log events), and the helpers the export path uses before
 * a span is converted — here or, with `offload`, in the worker.
 */
import { hexId } from "../convert/core-fields";
import { withTimeout } from "../internal/timers";
import type { SpanEventLike, SpanInput } from "../read/span-input";
import type { RolloutIds } from "./rollout";

type ResourceWithAsync = { asyncAttributesPending?: boolean; waitForAsyncAttributes?: () => Promise<void> };

/**
 * Like the stock BSP: a resource still detecting attributes is awaited (at most `timeoutMs`)
 * before the span is used. `undefined` when there is nothing to wait for. Never rejects.
 */
export function waitForPendingResource(span: SpanInput, timeoutMs: number): Promise<void> | undefined {
  let r: ResourceWithAsync | undefined;
  try {
    r = span.resource as ResourceWithAsync | undefined;
    if (r?.asyncAttributesPending !== true || typeof r.waitForAsyncAttributes !== "function") return undefined;
    const p = r.waitForAsyncAttributes().catch(() => undefined);
    return withTimeout(p, timeoutMs, () => undefined);
  } catch {
    return undefined; // a broken resource converts with what it has
  }
}

const ZERO_SPAN_ID = "0".repeat(16);

/** The parent id the span's record gets (as `toCanonicalSpan` computes it), or null. */
export function recordParentId(span: SpanInput): string | null {
  const raw = span.parentSpanContext?.spanId ?? span.parentSpanId;
  if (typeof raw !== "string" || raw === "") return null;
  const id = hexId(raw, 16);
  return id === ZERO_SPAN_ID ? null : id;
}

/**
 * What the thread that saw a span start and end knows besides the span's data: gathered by
 * `RecordPipeline.gather` where the span lives, used by `RecordPipeline.build`
 * wherever the record is built (the app thread, or the offload worker). Plain data.
 */
export interface SpanFacts {
  /** GenAI events logged for the span (the log-record companion). */
  logEvents?: readonly SpanEventLike[];
  /** `withRollout()` ids seen at `onStart`. */
  rollout?: RolloutIds;
  /** Filtering re-parented the span: its record's parent `from` becomes `to`. */
  parent?: { from: string; to: string | null };
}

export const NO_FACTS: SpanFacts = Object.freeze({});
