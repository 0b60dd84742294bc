/**
 * Span snapshots: what crosses from the app thread to the offload worker for one span. The
 * app thread copies references to exactly the fields `toCanonicalSpan` reads (see
 * `read/span-input.ts`) into one plain object, plus the span's facts and estimated size;
 * `postMessage` then deep-copies it. Each distinct Resource travels once (its attributes are
 * the same for every span of a provider), keyed by a WeakMap on the app side and cached by id
 * in the worker.
 */
import type { CanonicalSpan } from "../../model/record";
import type { HrTimeLike, ScopeLike, SpanContextLike, SpanEventLike, SpanInput } from "../../read/span-input";
import type { EncodedRecord } from "./share";
import { NO_FACTS, type SpanFacts } from "../span-facts";
import { plainCopy } from "../../read/json";

/** A Resource as the converter reads it. */
export interface ResourceSnapshot {
  attributes: Readonly<Record<string, unknown>>;
  schemaUrl?: string;
}

/** One span as plain data, with what the app thread knows about it. */
export interface SpanSnapshot {
  name: string;
  kind: number;
  context: SpanContextLike | undefined;
  parentSpanId: unknown;
  startTime: HrTimeLike;
  endTime: HrTimeLike;
  status: SpanInput["status"];
  attributes: Readonly<Record<string, unknown>>;
  events: readonly SpanEventLike[];
  links: SpanInput["links"];
  instrumentationScope: ScopeLike | undefined;
  droppedAttributesCount?: number;
  droppedEventsCount?: number;
  droppedLinksCount?: number;
  /** An id announced in a batch's `resources`, or the resource itself past {@link MAX_SHARED_RESOURCES}. */
  resource: number | ResourceSnapshot | undefined;
  /** Estimated record size (the sink lanes' byte bounds). */
  bytes: number;
  facts?: SpanFacts;
}

/**
 * A span the app thread converted itself (the worker was behind): its record, not numbered (and
 * not redacted unless `redacted`); the worker numbers, redacts and delivers it in posting order.
 */
export interface ConvertedSpan {
  converted: CanonicalSpan;
  /** Estimated record size (the sink lanes' byte bounds). */
  bytes: number;
  /** The app thread redacted it already (see share.ts): the worker must not redact it again. */
  redacted?: boolean;
}

/**
 * A span the app thread converted, redacted and encoded itself (the worker was behind and every
 * sink takes text): each lane's line with a placeholder `sequenceId`, which the worker numbers.
 */
export interface EncodedSpan {
  encoded: EncodedRecord;
}

/** What a batch carries for one span. */
export type BatchEntry = SpanSnapshot | ConvertedSpan | EncodedSpan;

/** Most resources sent once and cached by id; later ones travel with each span (bounds both maps). */
export const MAX_SHARED_RESOURCES = 256;

/** Links without their trace state (the converter reads ids and attributes only). */
function leanLinks(links: SpanInput["links"] | undefined): SpanInput["links"] {
  if (!links || links.length === 0) return [];
  return links.map((l) => ({
    context: { traceId: l.context?.traceId, spanId: l.context?.spanId } as SpanContextLike,
    attributes: l.attributes,
    droppedAttributesCount: l.droppedAttributesCount,
  }));
}

/** App side: builds snapshots and announces each resource once. */
export class SnapshotWriter {
  private readonly _ids = new WeakMap<object, number>();
  private _count = 0;
  private _fresh: Array<[number, ResourceSnapshot]> = [];

  /** The snapshot of `span`. Throws when the span's getters throw (the caller counts it). */
  snapshot(span: SpanInput, facts: SpanFacts, bytes: number): SpanSnapshot {
    const ctx = typeof span.spanContext === "function" ? span.spanContext() : undefined;
    const snap: SpanSnapshot = {
      name: span.name,
      kind: span.kind,
      context: ctx ? { traceId: ctx.traceId, spanId: ctx.spanId, traceFlags: ctx.traceFlags } : undefined,
      parentSpanId: span.parentSpanContext?.spanId ?? span.parentSpanId,
      startTime: span.startTime,
      endTime: span.endTime,
      status: span.status,
      attributes: span.attributes,
      events: span.events,
      links: leanLinks(span.links),
      instrumentationScope: span.instrumentationScope ?? span.instrumentationLibrary,
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
      resource: this._resource(span.resource),
      bytes,
    };
    if (facts !== NO_FACTS) snap.facts = facts;
    return snap;
  }

  /** Resources first referenced since the last call (they go with the batch being posted). */
  takeResources(): Array<[number, ResourceSnapshot]> | undefined {
    if (this._fresh.length === 0) return undefined;
    const out = this._fresh;
    this._fresh = [];
    return out;
  }

  private _resource(res: SpanInput["resource"] | undefined): number | ResourceSnapshot | undefined {
    if (!res || typeof res !== "object") return undefined;
    const id = this._ids.get(res);
    if (id !== undefined) return id;
    const snap: ResourceSnapshot = { attributes: res.attributes };
    if (res.schemaUrl !== undefined) snap.schemaUrl = res.schemaUrl;
    if (this._count >= MAX_SHARED_RESOURCES) return snap;
    const fresh = ++this._count;
    this._ids.set(res, fresh);
    this._fresh.push([fresh, snap]);
    return fresh;
  }
}

const NO_RESOURCE: ResourceSnapshot = { attributes: {} };

/** Worker side: turns snapshots back into spans the converter reads. */
export class SnapshotReader {
  private readonly _resources = new Map<number, ResourceSnapshot>();

  addResources(list: ReadonlyArray<[number, ResourceSnapshot]> | undefined): void {
    if (!list) return;
    for (const [id, r] of list) if (this._resources.size < MAX_SHARED_RESOURCES || this._resources.has(id)) this._resources.set(id, r);
  }

  span(s: SpanSnapshot): SpanInput {
    const ctx = s.context;
    const res = s.resource;
    // One object per resource id: the converter caches a resource's cleaned form per object.
    const resource = typeof res === "number" ? this._resources.get(res) ?? NO_RESOURCE : res;
    return {
      name: s.name,
      kind: s.kind,
      spanContext: () => ctx as SpanContextLike,
      parentSpanId: s.parentSpanId as string | undefined,
      startTime: s.startTime,
      endTime: s.endTime,
      status: s.status,
      attributes: s.attributes,
      events: s.events,
      links: s.links,
      resource: resource as SpanInput["resource"],
      instrumentationScope: s.instrumentationScope,
      droppedAttributesCount: s.droppedAttributesCount,
      droppedEventsCount: s.droppedEventsCount,
      droppedLinksCount: s.droppedLinksCount,
    };
  }
}

/**
 * A deep copy of `v` that structured clone accepts, for data it refused (functions, symbols,
 * proxies, throwing getters): {@link plainCopy}, which mirrors what conversion makes of such values.
 */
export function toCloneable(v: unknown): unknown {
  return plainCopy(v);
}
