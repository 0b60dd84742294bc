/**
 * Span filtering without orphans (SPEC.md §3): a filter decides which spans become records, and
 * {@link Ancestry} re-parents a kept span whose parent was filtered out onto its nearest kept
 * ancestor, keeping the original parent id in `extras["canonspan.original_parent_id"]`.
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { logger } from "../internal/diag";
import type { CanonicalSpan } from "../model/record";
import { setOwn } from "../read/json";

/** Decides whether a span becomes a record: `true` keeps it. */
export type SpanFilter = (span: ReadableSpan) => boolean;

/** Extras key holding the parent id a span had before filtering re-parented it. */
export const ORIGINAL_PARENT_KEY = "canonspan.original_parent_id";

/** Attributes that only GenAI spans carry (context-propagated keys such as `gen_ai.agent.name` excluded). */
const GENAI_KEYS: readonly string[] = [
  "gen_ai.operation.name",
  "gen_ai.provider.name",
  "gen_ai.system",
  "gen_ai.request.model",
  "gen_ai.tool.name",
  "openinference.span.kind",
  "traceloop.span.kind",
  "llm.request.type",
  "ai.operationId",
  "langfuse.observation.type",
  "mlflow.spanType",
];
/** Instrumentation scopes that only produce GenAI spans. */
const GENAI_SCOPES: ReadonlySet<string> = new Set([
  "ai",
  "pydantic-ai",
  "langfuse-sdk",
  "@traceloop/node-server-sdk",
  "genkit-tracer",
  "gcp.vertex.agent",
  "livekit-agents",
  "@flue/opentelemetry",
  "agentlightning",
]);
const GENAI_SCOPE_PREFIXES: readonly string[] = [
  "@opentelemetry/instrumentation-openai",
  "@arizeai/openinference-",
  "openinference.instrumentation.",
  "@traceloop/instrumentation-",
  "opentelemetry.instrumentation.openai",
  "@langfuse/",
  "mlflow",
];

/**
 * Keeps spans that carry a GenAI convention marker: one of a handful of attribute keys
 * (`gen_ai.operation.name`, `gen_ai.provider.name`/`gen_ai.system`, `gen_ai.request.model`,
 * `gen_ai.tool.name`, `openinference.span.kind`, `traceloop.span.kind`, `llm.request.type`,
 * `ai.operationId`, `langfuse.observation.type`, `mlflow.spanType`), an `operation.name` or span
 * name starting with `ai.` (AI SDK) or `agentlightning.`, or a GenAI-only instrumentation scope
 * (`ai`, `pydantic-ai`, `langfuse-sdk`, OpenInference, OpenLLMetry, the OTel OpenAI instrumentation…).
 * A handful of look-ups, no iteration over attributes.
 */
export const GENAI_ONLY: SpanFilter = (span) => {
  const scope = (span.instrumentationScope ?? (span as { instrumentationLibrary?: { name?: string } }).instrumentationLibrary)?.name;
  if (typeof scope === "string") {
    if (GENAI_SCOPES.has(scope)) return true;
    for (const p of GENAI_SCOPE_PREFIXES) if (scope.startsWith(p)) return true;
  }
  const attrs = span.attributes as Readonly<Record<string, unknown>> | undefined;
  if (attrs) {
    for (const k of GENAI_KEYS) {
      const v = attrs[k];
      if (v !== undefined && v !== null && v !== "") return true;
    }
    const op = attrs["operation.name"];
    if (typeof op === "string" && op.startsWith("ai.")) return true;
  }
  const name = span.name;
  return typeof name === "string" && (name.startsWith("agentlightning.") || name.startsWith("ai."));
};

const log = logger("filter");

/**
 * Resolves the `filter` option: `"genai"` is {@link GENAI_ONLY}; a function is wrapped so that a
 * throwing filter keeps the span (a filter limits volume, it is not a security boundary) instead
 * of throwing into `onStart`/`onEnd`. Anything else throws (construction-time validation).
 */
export function resolveFilter(f: SpanFilter | "genai" | undefined): SpanFilter | undefined {
  if (f === undefined) return undefined;
  if (f === "genai") f = GENAI_ONLY; // it reads span fields too, whose getters may throw
  if (typeof f !== "function") throw new TypeError(`canonspan: \`filter\` must be a function or "genai" (actual: ${String(f)})`);
  let warned = false;
  return (span) => {
    try {
      return f(span) !== false;
    } catch (e) {
      if (!warned) {
        warned = true;
        log.warn(`the span filter threw (${e instanceof Error ? e.name : typeof e}); spans it fails on are kept`);
      }
      return true;
    }
  };
}

/** Parent span id of an SDK 2.x/3.x (`parentSpanContext`) or 1.x (`parentSpanId`) span. */
function parentIdOf(span: ReadableSpan): string | null {
  const s = span as { parentSpanContext?: { spanId?: unknown }; parentSpanId?: unknown };
  const id = s.parentSpanContext?.spanId ?? s.parentSpanId;
  return typeof id === "string" && id !== "" ? id : null;
}

function spanIdOf(span: ReadableSpan): string | undefined {
  try {
    const id = span.spanContext().spanId;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Points `record` at its new parent `to`, keeping `original` in `extras["canonspan.original_parent_id"]`. */
export function reparent(record: CanonicalSpan, original: string, to: string | null): void {
  record.parentId = to;
  setOwn(record.extras, ORIGINAL_PARENT_KEY, original);
}

/** Longest chain of filtered ancestors `resolveParent` walks through. */
const MAX_WALK = 64;

interface Dropped {
  parentId: string | null;
  /** Last update (ms): entries sit in the map in that order, oldest first. */
  t: number;
}

/**
 * Remembers the spans a filter drops, so kept descendants can skip them. Only dropped spans are
 * stored (a span with no entry counts as kept), in an insertion-ordered map bounded by size and
 * age: O(1) amortized per span, no structure growing with the number of spans seen.
 *
 * A child usually ends before its parent, so the parent's decision must be known while it still
 * runs: `onStart` records the decision taken on start-time attributes, `onEnd` the final one.
 *
 * Limits, by design:
 * - when a filtered ancestor's entry was evicted (more than `maxEntries` dropped spans since, or
 *   idle over `maxAgeMs`), or the chain is longer than 64, the walk stops there and the record
 *   keeps the last id it reached — it may then point at a span that has no record;
 * - a decision that changes between start and end cannot re-parent children that already ended.
 */
export class Ancestry {
  private readonly _dropped = new Map<string, Dropped>();

  /**
   * @param maxEntries most dropped spans remembered. @default 10000
   * @param maxAgeMs how long a dropped span is remembered after its last update. @default 600000
   * @param filter evaluated by `onStart` when it is not given a decision.
   * @param now clock in ms, for tests. @default Date.now
   */
  constructor(
    private readonly _maxEntries = 10_000,
    private readonly _maxAgeMs = 10 * 60_000,
    private readonly _filter?: SpanFilter,
    private readonly _now: () => number = Date.now,
  ) {}

  /** Spans currently remembered. */
  get size(): number {
    return this._dropped.size;
  }

  /**
   * Records the start-time decision for `span`: `kept`, else the constructor's filter on the
   * start-time attributes, else kept.
   */
  onStart(span: ReadableSpan, kept?: boolean): void {
    let decision = kept;
    if (decision === undefined) {
      try {
        decision = this._filter ? this._filter(span) !== false : true;
      } catch {
        decision = true; // as resolveFilter does: a failing filter keeps the span
      }
    }
    if (!decision) this._remember(span);
  }

  /** Records the final decision for `span`. */
  onEnd(span: ReadableSpan, kept: boolean): void {
    if (!kept) this._remember(span);
    else {
      const id = spanIdOf(span);
      if (id !== undefined) this._dropped.delete(id);
    }
  }

  /**
   * Points `record.parentId` at the nearest kept ancestor (or `null` when every ancestor was
   * dropped) and keeps the original in `extras["canonspan.original_parent_id"]`.
   */
  resolveParent(record: CanonicalSpan): void {
    const original = record.parentId;
    if (typeof original !== "string") return;
    const id = this.resolve(original);
    if (id !== original) reparent(record, original, id);
  }

  /** The nearest kept ancestor of the span whose parent is `parentId`: `parentId` itself when kept. */
  resolve(parentId: string): string | null {
    if (this._dropped.size === 0) return parentId;
    let id: string | null = parentId;
    for (let steps = 0; id !== null && steps < MAX_WALK; steps++) {
      const entry = this._dropped.get(id);
      if (!entry) break;
      id = entry.parentId;
    }
    return id;
  }

  private _remember(span: ReadableSpan): void {
    const id = spanIdOf(span);
    if (id === undefined) return;
    const now = this._now();
    // Delete first so the entry moves to the end: the map stays ordered by last update.
    this._dropped.delete(id);
    this._dropped.set(id, { parentId: parentIdOf(span), t: now });
    this._evict(now);
  }

  private _evict(now: number): void {
    const it = this._dropped.entries();
    for (let next = it.next(); !next.done; next = it.next()) {
      const [id, e] = next.value;
      if (this._dropped.size <= this._maxEntries && now - e.t <= this._maxAgeMs) return;
      this._dropped.delete(id);
    }
  }
}
