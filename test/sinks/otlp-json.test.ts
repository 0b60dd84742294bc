import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { jsonRequest, OtlpJsonEncoder } from "../../src/sinks/otlp-json";
import { OtlpInterner, toOtlpSpan } from "../../src/sinks/otlp-span";
import { listFixtures, loadFixture, logEventsFor } from "../helpers/fixtures";
import { makeSpan } from "../helpers/spans";

/** What the stock JSON serializer makes of the same records (the reference). */
function stock(records: readonly CanonicalSpan[]): unknown {
  const interner = new OtlpInterner();
  const spans = records.map((r) => toOtlpSpan(r, interner));
  return JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans as unknown as ReadableSpan[])!).toString("utf8"));
}

function ours(records: readonly CanonicalSpan[]): unknown {
  const enc = new OtlpJsonEncoder();
  return JSON.parse(Buffer.from(jsonRequest(records.map((r) => enc.span(r)))).toString("utf8"));
}

function fixtureRecords(): CanonicalSpan[] {
  const out: CanonicalSpan[] = [];
  for (const { instrumentation, scenario } of listFixtures()) {
    const f = loadFixture(instrumentation, scenario);
    for (const span of f.spans) out.push(toCanonicalSpan(span, { logEvents: logEventsFor(f, span) }));
  }
  return out;
}

describe("OTLP/JSON encoding", () => {
  it("matches the stock JsonTraceSerializer on every fixture record, one request for all of them", () => {
    const records = fixtureRecords();
    expect(records.length).toBeGreaterThan(50);
    expect(ours(records)).toEqual(stock(records));
  });

  it("matches it on each fixture record alone (resource and scope framing, schema URLs)", () => {
    for (const r of fixtureRecords()) expect(ours([r])).toEqual(stock([r]));
  });

  it("matches it on hostile values: escapes, non-Latin-1 text, odd numbers, arrays, links, status messages, schema URLs", () => {
    const span = makeSpan({
      name: 'quote " backslash \\ newline \n tab \t nul \u0000 bidi \u202e emoji 😀 é',
      kind: SpanKind.SERVER,
      attributes: {
        "weird \"key\"\n": "v\u2028\u2029",
        int: 42,
        big: 2 ** 60,
        neg: -3,
        float: 0.1,
        bool: false,
        strs: ["a", "b\u0001"],
        nums: [1, 2.5],
        bools: [true],
        __proto__x: "p",
      },
      status: { code: SpanStatusCode.ERROR, message: "bad \"thing\"" },
      links: [{ context: { traceId: "1".repeat(32), spanId: "2".repeat(16), traceFlags: 1 }, attributes: { "link.k": "é" } }],
      events: [{ name: "ev\n", attributes: { "e.k": [1, 2] } }],
    });
    const r = toCanonicalSpan(span);
    r.resource = { attributes: { "service.name": "sérvice", n: 1 }, schemaUrl: "https://opentelemetry.io/schemas/1.30.0" };
    r.scope = { name: "scope", version: "1.0", schemaUrl: "" };
    r.extras["__proto__"] = "plain";
    const other = toCanonicalSpan(makeSpan({ name: "other" }));
    other.scope = { name: "scope" };
    other.startTime = "1970-01-01T00:00:00.000001Z"; // under one second since the epoch
    other.endTime = "1970-01-01T00:00:01.5Z";
    expect(ours([r, other])).toEqual(stock([r, other]));
  });

  it("groups records by resource and scope content, in first-seen order", () => {
    const mk = (name: string, service: string, scope: string): CanonicalSpan => {
      const r = toCanonicalSpan(makeSpan({ name }));
      r.resource = { attributes: { "service.name": service } }; // a fresh object each time: grouped by content
      r.scope = { name: scope };
      return r;
    };
    const body = ours([mk("a", "s1", "x"), mk("b", "s2", "x"), mk("c", "s1", "y"), mk("d", "s1", "x")]) as {
      resourceSpans: Array<{ resource: unknown; scopeSpans: Array<{ scope: { name: string }; spans: Array<{ name: string }> }> }>;
    };
    expect(body.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.name)]))).toEqual([
      [["x", ["a", "d"]], ["y", ["c"]]],
      [["x", ["b"]]],
    ]);
  });

  it("sizes each span's text in UTF-8 bytes and writes the request as valid UTF-8", () => {
    const r = toCanonicalSpan(makeSpan({ name: "é😀" }));
    const s = new OtlpJsonEncoder().span(r);
    expect(s.bytes).toBe(Buffer.byteLength(s.text, "utf8"));
    expect(s.bytes).toBeGreaterThan(s.text.length);
    const body = Buffer.from(jsonRequest([s, s]));
    expect(body.toString("utf8")).toContain('"name":"é😀"');
    expect(JSON.parse(body.toString("utf8")).resourceSpans[0].scopeSpans[0].spans).toHaveLength(2);
  });
});
