/**
 * "Never mutate the ReadableSpan" (and what other processors share with it: event attributes,
 * log-record bodies): redaction, masking and the per-record cap work on the record, and the
 * record never holds the span's own objects.
 */
import { SpanKind } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { JsonValue } from "../../src/model/record";
import { CanonicalLogRecordProcessor } from "../../src/processor/log-events";
import { CanonicalSpanProcessor } from "../../src/processor/processor";
import { RecordingSink } from "./helpers";

const SECRET = "sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ3lN5";

/** A hand-built span (as non-SDK producers make them): object-valued attributes are possible. */
function handSpan(attributes: Record<string, unknown>, events: unknown[] = []): Record<string, unknown> {
  return {
    name: "chat",
    kind: SpanKind.CLIENT,
    spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }),
    startTime: [1700000000, 0],
    endTime: [1700000001, 0],
    status: { code: 0 },
    attributes,
    events,
    links: [],
    resource: { attributes: { "service.name": "t" } },
    instrumentationScope: { name: "t" },
  };
}

const made: CanonicalSpanProcessor[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.shutdown()));
});

async function throughProcessor(span: Record<string, unknown>, opts: { mask?: boolean; logs?: CanonicalLogRecordProcessor } = {}): Promise<void> {
  const sink = new RecordingSink();
  const p = new CanonicalSpanProcessor({
    sinks: [sink],
    exitHooks: false,
    ...(opts.mask ? { mask: (v: JsonValue): JsonValue => (typeof v === "string" ? "MASKED" : v) } : {}),
    ...(opts.logs ? { logRecords: opts.logs } : {}),
  });
  made.push(p);
  p.onEnd(span as never);
  await p.forceFlush();
  expect(sink.records).toHaveLength(1);
  expect(JSON.stringify(sink.records[0])).not.toContain(SECRET); // redacted in the record…
}

describe("the span is never mutated", () => {
  const cases: Array<[string, () => Record<string, unknown>]> = [
    ["canonical messages as an object attribute", () => handSpan({ "gen_ai.operation.name": "chat", "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: `key ${SECRET}` }] }] })],
    ["OpenInference output.value as an object", () => handSpan({ "openinference.span.kind": "LLM", "output.value": [{ text: `key ${SECRET}` }] })],
    ["Langfuse observation input as an object", () => handSpan({ "langfuse.observation.type": "generation", "langfuse.observation.input": { prompt: `key ${SECRET}` } })],
    ["an array attribute", () => handSpan({ "gen_ai.operation.name": "chat", "app.tokens": [`key ${SECRET}`, "x"] })],
    ["an event attribute array", () => handSpan({ "gen_ai.operation.name": "chat" }, [{ name: "gen_ai.user.message", time: [1700000000, 5], attributes: { content: `key ${SECRET}`, tags: [`key ${SECRET}`] } }])],
  ];
  it.each(cases)("%s: redaction and mask leave it as it was", async (_, make) => {
    for (const mask of [false, true]) {
      const span = make();
      const before = JSON.stringify({ a: span.attributes, e: span.events });
      await throughProcessor(span, { mask });
      expect(JSON.stringify({ a: span.attributes, e: span.events })).toBe(before); // …never in the span
    }
  });

  it("a log-record body attached as a message event is not redacted in place", async () => {
    const logs = new CanonicalLogRecordProcessor();
    const body = { content: `key ${SECRET}` };
    const span = handSpan({ "gen_ai.operation.name": "chat" });
    logs.onEmit({ eventName: "gen_ai.user.message", body, spanContext: (span.spanContext as () => never)(), hrTime: [1700000000, 5] } as never);
    await throughProcessor(span, { logs });
    expect(body).toEqual({ content: `key ${SECRET}` });
  });

  it("the per-record cap cuts the record's strings, never the span's", () => {
    const parts = Array.from({ length: 40 }, () => ({ text: "t".repeat(60_000) }));
    const span = handSpan({ "openinference.span.kind": "LLM", "output.value": parts });
    toCanonicalSpan(span as never);
    expect(parts.every((p) => p.text.length === 60_000)).toBe(true);
  });

  it("an exponential DAG or a cycle in an attribute value costs bounded work", () => {
    let dag: unknown = "leaf";
    for (let i = 0; i < 60; i++) dag = [dag, dag]; // 2^60 paths, 61 objects
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const t0 = Date.now();
    const r = toCanonicalSpan(handSpan({ "openinference.span.kind": "LLM", "output.value": dag, "input.value": cyclic }) as never);
    expect(Date.now() - t0).toBeLessThan(10_000); // unbounded, it would never end
    expect(r.output).toBeDefined();
  });
});
