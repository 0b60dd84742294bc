/**
 * Test helpers: real SDK spans (BasicTracerProvider) rather than hand-made objects, so tests
 * exercise what a user's provider hands the processor.
 */
import { SpanKind, type Attributes, type Link } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

export interface SpanSpec {
  name?: string;
  kind?: SpanKind;
  attributes?: Attributes;
  events?: Array<{ name: string; attributes?: Attributes }>;
  links?: Link[];
  status?: { code: number; message?: string };
  exception?: Error;
  resource?: Attributes;
  scope?: string;
}

/** Ends one real span built from `spec` and returns the `ReadableSpan` the SDK produced. */
export function makeSpan(spec: SpanSpec = {}): ReadableSpan {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "test", ...(spec.resource ?? {}) }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer(spec.scope ?? "test-scope", "1.2.3");
  const span = tracer.startSpan(spec.name ?? "span", {
    kind: spec.kind ?? SpanKind.INTERNAL,
    attributes: spec.attributes,
    links: spec.links,
  });
  for (const e of spec.events ?? []) span.addEvent(e.name, e.attributes);
  if (spec.exception) span.recordException(spec.exception);
  if (spec.status) span.setStatus(spec.status);
  span.end();
  const out = exporter.getFinishedSpans()[0];
  if (!out) throw new Error("no span");
  return out;
}

/** A provider wired with the given processors, for processor tests. */
export function providerWith(processors: SpanProcessor[], resource: Attributes = {}): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "test", ...resource }),
    spanProcessors: processors,
  });
}
