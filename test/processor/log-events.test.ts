import { context, ROOT_CONTEXT, trace, type Span } from "@opentelemetry/api";
import type { Logger } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { CanonicalLogRecordProcessor, type LogEventBufferOptions, type LogRecordLike } from "../../src/processor/log-events";
import { loadFixture, logEventsFor } from "../helpers/fixtures";
import { providerWith } from "../helpers/spans";

function setup(options: LogEventBufferOptions = {}): { proc: CanonicalLogRecordProcessor; logger: Logger; provider: LoggerProvider } {
  const proc = new CanonicalLogRecordProcessor(options);
  const provider = new LoggerProvider({ processors: [proc] });
  return { proc, logger: provider.getLogger("@opentelemetry/instrumentation-openai", "0.21.0"), provider };
}

const tracer = providerWith([]).getTracer("app");
const ctxOf = (span: Span) => trace.setSpan(ROOT_CONTEXT, span);
const idOf = (span: Span): string => span.spanContext().spanId;

describe("CanonicalLogRecordProcessor with a real LoggerProvider", () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    manager.disable();
    context.disable();
  });

  it("files events emitted inside an active span under that span id, both name styles", () => {
    const { proc, logger } = setup();
    const id = tracer.startActiveSpan("chat gpt-4o", (span) => {
      logger.emit({ attributes: { "event.name": "gen_ai.user.message", "gen_ai.system": "openai" }, body: { content: "hi" } });
      logger.emit({
        eventName: "gen_ai.client.inference.operation.details",
        attributes: { "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "yo" }] }] },
      });
      logger.emit({ body: "a plain application log" });
      span.end();
      return idOf(span);
    });
    const events = proc.take(id);
    expect(events.map((e) => e.name)).toEqual(["gen_ai.user.message", "gen_ai.client.inference.operation.details"]);
    expect(events[0]?.body).toEqual({ content: "hi" });
    expect(events[0]?.time).toEqual([expect.any(Number), expect.any(Number)]);
    expect(events[1]?.attributes?.["gen_ai.output.messages"]).toEqual([{ role: "assistant", parts: [{ type: "text", content: "yo" }] }]);
    expect(proc.take(id)).toEqual([]);
    expect(proc.stats()).toMatchObject({ accepted: 2, taken: 2, ignored: 1, spans: 0, events: 0, bytes: 0 });
  });

  it("ignores GenAI events outside any span, and of unsampled spans unless asked", () => {
    const { proc, logger } = setup();
    logger.emit({ eventName: "gen_ai.choice", body: {} });
    const off = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer("off").startSpan("unsampled");
    logger.emit({ eventName: "gen_ai.choice", body: {}, context: ctxOf(off) });
    expect(proc.stats()).toMatchObject({ accepted: 0, ignored: 2, spans: 0 });

    const all = setup({ sampledOnly: false });
    all.logger.emit({ eventName: "gen_ai.choice", body: {}, context: ctxOf(off) });
    expect(all.proc.take(idOf(off))).toHaveLength(1);
  });
});

describe("replaying what @opentelemetry/instrumentation-openai emitted", () => {
  it.each(["chat", "tool", "stream", "error"])("%s: every event reaches its span and converts like the captured logs", (scenario) => {
    const fixture = loadFixture("otel-openai", scenario);
    const { proc, logger } = setup();
    const live = new Map<string, Span>(fixture.spans.map((s) => [s.spanContext().spanId, tracer.startSpan(s.name)]));
    for (const l of fixture.logs) {
      logger.emit({
        ...(l.eventName ? { eventName: l.eventName } : {}),
        timestamp: l.hrTime,
        severityNumber: l.severityNumber ?? undefined,
        attributes: l.attributes as never,
        body: l.body as never,
        context: ctxOf(live.get(l.spanId ?? "")!),
      });
    }
    for (const s of fixture.spans) {
      const expected = logEventsFor(fixture, s);
      const taken = proc.take(idOf(live.get(s.spanContext().spanId)!));
      expect(taken.map((e) => [e.name, e.body, e.time])).toEqual(expected.map((e) => [e.name, e.body, e.time]));
      expect(toCanonicalSpan(s, { logEvents: taken })).toEqual(toCanonicalSpan(s, { logEvents: expected }));
    }
    expect(proc.stats().dropped).toEqual({ expired: 0, max_spans: 0, max_events_per_span: 0, max_bytes: 0, shutdown: 0, error: 0 });
  });

  it("gives the converter the chat messages", () => {
    const fixture = loadFixture("otel-openai", "chat");
    const { proc, logger } = setup();
    const span = tracer.startSpan("chat");
    for (const l of fixture.logs) logger.emit({ attributes: l.attributes as never, body: l.body as never, context: ctxOf(span) });
    const record = toCanonicalSpan(fixture.spans[0]!, { logEvents: proc.take(idOf(span)) });
    expect(JSON.stringify(record.llm?.inputMessages)).toContain("Say hello.");
    expect(JSON.stringify(record.llm?.outputMessages)).toContain("Hello from the mock.");
  });
});

describe("bounds", () => {
  const emit = (logger: Logger, span: Span, body: unknown = { content: "x" }): void =>
    logger.emit({ eventName: "gen_ai.user.message", body: body as never, context: ctxOf(span) });

  it("keeps at most maxEventsPerSpan events per span", () => {
    const { proc, logger } = setup({ maxEventsPerSpan: 2 });
    const span = tracer.startSpan("s");
    for (let i = 0; i < 5; i++) emit(logger, span, { content: `m${i}` });
    expect(proc.take(idOf(span)).map((e) => e.body)).toEqual([{ content: "m0" }, { content: "m1" }]);
    expect(proc.stats().dropped.max_events_per_span).toBe(3);
  });

  it("evicts the oldest span past maxSpans", () => {
    const { proc, logger } = setup({ maxSpans: 2 });
    const [a, b, c] = ["a", "b", "c"].map((n) => tracer.startSpan(n)) as [Span, Span, Span];
    emit(logger, a);
    emit(logger, a);
    emit(logger, b);
    emit(logger, c);
    expect(proc.take(idOf(a))).toEqual([]);
    expect(proc.take(idOf(b))).toHaveLength(1);
    expect(proc.take(idOf(c))).toHaveLength(1);
    expect(proc.stats().dropped.max_spans).toBe(2);
  });

  it("keeps the estimated bytes under maxBytes, evicting the oldest spans first", () => {
    const { proc, logger } = setup({ maxBytes: 4_000 });
    const spans = [0, 1, 2, 3].map((i) => tracer.startSpan(`s${i}`));
    for (const s of spans) emit(logger, s, { content: "x".repeat(700) }); // ~1.6 KB each
    expect(proc.stats().bytes).toBeLessThanOrEqual(4_000);
    expect(proc.take(idOf(spans[0]!))).toEqual([]);
    expect(proc.take(idOf(spans[3]!))).toHaveLength(1);
    emit(logger, spans[3]!, { content: "y".repeat(5_000) }); // alone bigger than the budget
    expect(proc.take(idOf(spans[3]!))).toEqual([]);
    expect(proc.stats().dropped.max_bytes).toBeGreaterThanOrEqual(3);
  });

  it("estimates huge bodies in bounded work", () => {
    const { proc, logger } = setup();
    const span = tracer.startSpan("s");
    emit(logger, span, { messages: Array.from({ length: 200_000 }, (_, i) => ({ content: `m${i}` })) });
    const bytes = proc.stats().bytes;
    expect(bytes).toBeGreaterThan(16 * 1024);
    expect(bytes).toBeLessThan(64 * 1024);
    expect(proc.take(idOf(span))).toHaveLength(1);
  });

  it("drops events whose span stayed idle past maxAgeMs, counting from its latest event", () => {
    let now = 0;
    const { proc, logger } = setup({ maxAgeMs: 60_000, now: () => now });
    const [busy, idle, next] = ["busy", "idle", "next"].map((n) => tracer.startSpan(n)) as [Span, Span, Span];
    emit(logger, busy);
    emit(logger, idle);
    now = 50_000;
    emit(logger, busy); // a long stream keeps its events
    now = 61_000;
    emit(logger, next);
    expect(proc.take(idOf(idle))).toEqual([]);
    expect(proc.take(idOf(busy))).toHaveLength(2);
    expect(proc.stats().dropped.expired).toBe(1);
  });

  it("never throws on a hostile record, and counts it", () => {
    const { proc } = setup();
    const hostile = {
      eventName: "gen_ai.choice",
      spanContext: { traceId: "1".repeat(32), spanId: "2".repeat(16), traceFlags: 1 },
      get attributes(): Record<string, unknown> {
        throw new Error("hostile");
      },
    } as unknown as LogRecordLike;
    expect(() => proc.onEmit(hostile)).not.toThrow();
    expect(proc.stats().dropped.error).toBe(1);
  });

  it("after shutdown ignores new records but still hands out what it buffered; idempotent", async () => {
    // NodeSDK shuts the logger provider down while the span processor still flushes.
    const { proc, logger, provider } = setup();
    const span = tracer.startSpan("s");
    emit(logger, span);
    emit(logger, span);
    await proc.forceFlush();
    expect(proc.stats().events).toBe(2);
    await provider.shutdown();
    await proc.shutdown();
    await proc.shutdown();
    proc.onEmit({ eventName: "gen_ai.choice", spanContext: span.spanContext() });
    expect(proc.take(idOf(span))).toHaveLength(2);
    expect(proc.take(idOf(span))).toEqual([]);
    expect(proc.stats()).toMatchObject({ events: 0, spans: 0, accepted: 2, taken: 2, afterShutdown: 1 });
  });

  it("rejects invalid bounds at construction", () => {
    expect(() => new CanonicalLogRecordProcessor({ maxSpans: 0 })).toThrow(RangeError);
    expect(() => new CanonicalLogRecordProcessor({ maxAgeMs: -1 })).toThrow(RangeError);
  });
});

it("is usable as an exporter-free processor next to an in-memory span pipeline", () => {
  // The span side stays untouched: the companion only reads log records.
  const exporter = new InMemorySpanExporter();
  const t = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("x");
  const { proc, logger } = setup();
  const span = t.startSpan("chat");
  logger.emit({ eventName: "gen_ai.choice", body: { index: 0 }, context: ctxOf(span) });
  span.end();
  const [finished] = exporter.getFinishedSpans();
  expect(finished?.events).toEqual([]);
  expect(proc.take(finished!.spanContext().spanId)).toHaveLength(1);
});
