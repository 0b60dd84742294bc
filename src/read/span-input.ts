/**
 * The shape of span that `toCanonicalSpan` reads: the `ReadableSpan` of OTel JS SDK 1.x, 2.x
 * and 3.x, described structurally so every SDK line (and hand-built spans) fit. Everything is
 * optional and read defensively: span data is untrusted input.
 */
export type HrTimeLike = readonly [number, number];

export interface SpanContextLike {
  traceId: string;
  spanId: string;
  traceFlags?: number;
}

export interface SpanEventLike {
  name: string;
  time: HrTimeLike;
  attributes?: Readonly<Record<string, unknown>>;
  droppedAttributesCount?: number;
  /** The body of a log record, for GenAI events that arrived through the Logs API. */
  body?: unknown;
}

export interface SpanLinkLike {
  context: SpanContextLike;
  attributes?: Readonly<Record<string, unknown>>;
  droppedAttributesCount?: number;
}

export interface ScopeLike {
  name: string;
  version?: string;
  schemaUrl?: string;
}

export interface SpanInput {
  name: string;
  kind: number;
  spanContext(): SpanContextLike;
  /** SDK 2.x / 3.x. */
  parentSpanContext?: SpanContextLike;
  /** SDK 1.x. */
  parentSpanId?: string;
  startTime: HrTimeLike;
  endTime: HrTimeLike;
  duration?: HrTimeLike;
  status: { code: number; message?: string };
  attributes: Readonly<Record<string, unknown>>;
  links: readonly SpanLinkLike[];
  events: readonly SpanEventLike[];
  resource: { attributes: Readonly<Record<string, unknown>>; schemaUrl?: string };
  /** SDK 2.x / 3.x. */
  instrumentationScope?: ScopeLike;
  /** SDK 1.x. */
  instrumentationLibrary?: ScopeLike;
  droppedAttributesCount?: number;
  droppedEventsCount?: number;
  droppedLinksCount?: number;
}
