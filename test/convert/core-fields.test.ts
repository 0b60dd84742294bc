import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

describe("core fields", () => {
  it("copies ids, kind, status, times, events, links, resource and scope", () => {
    const link = makeSpan({ name: "other" }).spanContext();
    const span = makeSpan({
      name: "work",
      kind: SpanKind.CLIENT,
      attributes: { a: 1 },
      events: [{ name: "e1", attributes: { x: "y" } }],
      links: [{ context: link, attributes: { l: true } }],
      status: { code: SpanStatusCode.ERROR, message: "boom" },
      resource: { "deployment.environment.name": "dev" },
    });
    const r = toCanonicalSpan(span);
    expect(r.schema).toBe("canonspan/v1");
    expect(r.traceId).toBe(span.spanContext().traceId);
    expect(r.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(r.parentId).toBeNull();
    expect(r.kind).toBe("CLIENT");
    expect(r.status).toEqual({ code: "ERROR", message: "boom" });
    expect(r.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.events).toEqual([{ name: "e1", time: expect.any(String), attributes: { x: "y" } }]);
    expect(r.links).toEqual([{ traceId: link.traceId, spanId: link.spanId, attributes: { l: true } }]);
    expect(r.resource.attributes["deployment.environment.name"]).toBe("dev");
    expect(r.scope).toEqual({ name: "test-scope", version: "1.2.3" });
  });

  it("formats hr-times with microseconds", () => {
    const span = { ...makeSpan(), startTime: [1700000000, 123456789] as [number, number], endTime: [1700000001, 500] as [number, number] };
    const r = toCanonicalSpan(span as never);
    expect(r.startTime).toBe("2023-11-14T22:13:20.123456Z");
    expect(r.endTime).toBe("2023-11-14T22:13:21.000000Z");
    expect(r.durationMs).toBeCloseTo(876.544, 3);
  });

  it("times that are not hr-times give the epoch and a 0 duration, never null", () => {
    for (const [startTime, endTime] of [[[NaN, 0], [1700000000, 0]], [[1e300, 0], [0, 0]], [1700000000 as never, 1700000001 as never]]) {
      const r = toCanonicalSpan({ ...makeSpan(), startTime, endTime } as never);
      expect(Number.isFinite(r.durationMs)).toBe(true);
      expect(JSON.parse(JSON.stringify(r)).durationMs).toEqual(expect.any(Number));
    }
  });

  it("reads SDK 1.x parentSpanId and instrumentationLibrary", () => {
    const base = makeSpan();
    const legacy = { ...base, spanContext: () => base.spanContext(), parentSpanContext: undefined, parentSpanId: "00f067aa0ba902b7", instrumentationScope: undefined, instrumentationLibrary: { name: "old", version: "0.1" } };
    const r = toCanonicalSpan(legacy as never);
    expect(r.parentId).toBe("00f067aa0ba902b7");
    expect(r.scope).toEqual({ name: "old", version: "0.1" });
  });
});
