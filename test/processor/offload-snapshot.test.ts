/**
 * Span snapshots (offload mode): a span snapshotted on the app thread, structured-cloned as
 * `postMessage` does and read back in the worker converts to the same record as the span itself.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { NO_FACTS } from "../../src/processor/span-facts";
import { SnapshotReader, SnapshotWriter, toCloneable, MAX_SHARED_RESOURCES, type SpanSnapshot } from "../../src/processor/offload/snapshot";
import type { SpanInput } from "../../src/read/span-input";
import { listFixtures, loadFixture, logEventsFor } from "../helpers/fixtures";
import { makeSpan } from "../helpers/spans";

/** App side → structured clone → worker side, as one batch does. */
function roundTrip(spans: SpanInput[], writer = new SnapshotWriter(), reader = new SnapshotReader()): SpanInput[] {
  const snaps = spans.map((s) => writer.snapshot(s, NO_FACTS, 100));
  const msg = structuredClone({ spans: snaps, resources: writer.takeResources() });
  reader.addResources(msg.resources);
  return msg.spans.map((s) => reader.span(s));
}

describe("span snapshots", () => {
  it("convert to the same records as the spans, for every captured fixture", () => {
    const fixtures = listFixtures();
    expect(fixtures.length).toBeGreaterThan(5);
    let compared = 0;
    for (const { instrumentation, scenario } of fixtures) {
      const fx = loadFixture(instrumentation, scenario);
      const copies = roundTrip(fx.spans);
      fx.spans.forEach((span, i) => {
        const logEvents = logEventsFor(fx, span);
        const expected = toCanonicalSpan(span, { logEvents });
        // Log events cross as span facts: cloned like the rest.
        const actual = toCanonicalSpan(copies[i]!, { logEvents: structuredClone(logEvents) });
        expect({ fixture: `${instrumentation}/${scenario}`, record: actual }).toEqual({ fixture: `${instrumentation}/${scenario}`, record: expected });
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("keep parents, links, events, status, scope, resource and dropped counts", () => {
    const parent = makeSpan({ name: "parent" });
    const span = makeSpan({
      name: "chat gpt",
      kind: SpanKind.CLIENT,
      attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "list": ["a", "b"] },
      events: [{ name: "gen_ai.content.chunk", attributes: { index: 1 } }],
      links: [{ context: parent.spanContext(), attributes: { kind: "follows" } }],
      status: { code: SpanStatusCode.ERROR, message: "boom" },
      exception: new Error("failed"),
      resource: { "deployment.environment": "test" },
      scope: "my-scope",
    });
    const withParent = { ...span, spanContext: () => span.spanContext(), parentSpanContext: parent.spanContext() } as unknown as SpanInput;
    const [copy] = roundTrip([withParent]);
    const record = toCanonicalSpan(copy!);
    expect(record).toEqual(toCanonicalSpan(withParent));
    expect(record.parentId).toBe(parent.spanContext().spanId);
    expect(record.links).toHaveLength(1);
    expect(record.resource.attributes["deployment.environment"]).toBe("test");
    expect(record.status).toEqual({ code: "ERROR", message: "boom" });
  });

  it("send each resource once, then by id; past the bound, inline", () => {
    const writer = new SnapshotWriter();
    const reader = new SnapshotReader();
    const a = makeSpan({ name: "a" });
    const b = { ...a, spanContext: () => a.spanContext() } as unknown as SpanInput; // same Resource object
    roundTrip([a as unknown as SpanInput], writer, reader);
    const second = writer.snapshot(b, NO_FACTS, 1);
    expect(typeof second.resource).toBe("number");
    expect(writer.takeResources()).toBeUndefined();
    expect(toCanonicalSpan(reader.span(structuredClone(second))).resource).toEqual(toCanonicalSpan(a).resource);

    const many = new SnapshotWriter();
    let inline: SpanSnapshot | undefined;
    for (let i = 0; i <= MAX_SHARED_RESOURCES; i++) {
      const s = { ...b, resource: { attributes: { i } } } as unknown as SpanInput;
      inline = many.snapshot(s, NO_FACTS, 1);
    }
    expect(typeof inline!.resource).toBe("object");
    expect(many.takeResources()).toHaveLength(MAX_SHARED_RESOURCES);
  });

  it("toCloneable copies what structured clone refuses, as conversion would read it", () => {
    const base = makeSpan({ name: "hostile", attributes: { ok: "yes" } });
    const attributes = { ok: "yes", fn: () => 1, sym: Symbol("s"), nested: { f: () => 2, keep: 3 }, list: [1, () => 3] } as Record<string, unknown>;
    const hostile = { ...base, spanContext: () => base.spanContext(), attributes } as unknown as SpanInput;
    const writer = new SnapshotWriter();
    const snap = writer.snapshot(hostile, NO_FACTS, 1);
    expect(() => structuredClone(snap)).toThrow();
    const resources = writer.takeResources();
    const msg = structuredClone({ spans: toCloneable([snap]) as SpanSnapshot[], resources: toCloneable(resources) as typeof resources });
    const reader = new SnapshotReader();
    reader.addResources(msg.resources);
    expect(toCanonicalSpan(reader.span(msg.spans[0]!))).toEqual(toCanonicalSpan(hostile));
  });

  it("toCloneable is bounded in depth and survives throwing getters", () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 200; i++) deep = { d: deep };
    const trap = Object.defineProperty({ fine: 1 }, "bad", { enumerable: true, get: () => { throw new Error("getter"); } });
    const out = toCloneable({ deep, trap }) as { deep: unknown; trap: Record<string, unknown> };
    expect(() => structuredClone(out)).not.toThrow();
    expect(out.trap).toEqual({ fine: 1 });
    let depth = 0;
    for (let x = out.deep as Record<string, unknown> | null; x && typeof x === "object"; x = x.d as Record<string, unknown> | null) depth++;
    expect(depth).toBeLessThan(100);
  });
});
