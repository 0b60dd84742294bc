/**
 * The per-record cap (RELIABILITY.md §5.2 / C7): records whose strings exceed `maxRecordLength`
 * have their longest strings cut to a common length; the cut is marked, listed, and never
 * undone by an encoder writing the original JSON text of a message list.
 */
import { capRecordStrings, MIN_CUT_LENGTH } from "../../src/convert/record-cap";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { createRedactor } from "../../src/processor/redact";
import { CanonicalSpanProcessor } from "../../src/processor/processor";
import { TRUNCATION_MARK } from "../../src/read/strings";
import { encodeRecord } from "../../src/serialize/jsonl";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

function stringUnits(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (v === null || typeof v !== "object") return 0;
  let n = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += stringUnits(x);
  return n;
}

describe("capRecordStrings", () => {
  it("cuts only the longest strings, to the largest common length that fits", () => {
    const rec = { a: "x".repeat(300), b: { c: "y".repeat(1000), d: ["z".repeat(5000)] }, e: "short" };
    const truncated: string[] = [];
    expect(capRecordStrings(rec, 2000, truncated)).toBe(2);
    // 5 + 300 stay; the two others share the remaining 1695 units: 847 each.
    expect(rec.a).toBe("x".repeat(300));
    expect(rec.b.c).toBe("y".repeat(847) + TRUNCATION_MARK);
    expect(rec.b.d[0]).toBe("z".repeat(847) + TRUNCATION_MARK);
    expect(rec.e).toBe("short");
    expect(truncated).toEqual(["b.c", "b.d"]);
  });

  it("never cuts the resource, which the records of a provider share, but counts it", () => {
    const shared = { attributes: { "service.name": "s".repeat(3000) } };
    const rec = { resource: shared, a: "x".repeat(3000) };
    capRecordStrings(rec, 4000, []);
    expect(shared.attributes["service.name"]).toBe("s".repeat(3000));
    expect(rec.a).toBe("x".repeat(1000) + TRUNCATION_MARK);
  });

  it("leaves a record within the cap untouched", () => {
    const rec = { a: "x".repeat(900), b: ["y".repeat(900)] };
    const truncated: string[] = [];
    expect(capRecordStrings(rec, 2000, truncated)).toBe(0);
    expect(rec).toEqual({ a: "x".repeat(900), b: ["y".repeat(900)] });
    expect(truncated).toEqual([]);
  });

  it(`never cuts below ${MIN_CUT_LENGTH} units, whatever the cap`, () => {
    const rec = { a: "x".repeat(10_000), b: "y".repeat(10_000) };
    capRecordStrings(rec, 10, []);
    expect(rec.a).toBe("x".repeat(MIN_CUT_LENGTH) + TRUNCATION_MARK);
    expect(rec.b).toBe("y".repeat(MIN_CUT_LENGTH) + TRUNCATION_MARK);
  });
});

describe("toCanonicalSpan: per-record cap", () => {
  it("brings a span of many long attributes under maxRecordLength (default 1 MiB), marked and listed", () => {
    const attributes: Record<string, string> = { "gen_ai.operation.name": "chat" };
    for (let i = 0; i < 40; i++) attributes[`app.blob_${i}`] = String(i % 10).repeat(60_000); // 2.4 M units
    const r = toCanonicalSpan(makeSpan({ attributes }));
    expectValidRecord(r);
    const content = stringUnits({ ...r, dropped: {} }); // the list of cut paths comes on top
    expect(content).toBeLessThanOrEqual((1 << 20) + 40 * TRUNCATION_MARK.length);
    expect(content).toBeGreaterThan(1_000_000); // cut to fit, not emptied
    const lengths = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const v = r.extras[`app.blob_${i}`] as string;
      expect(v.endsWith(TRUNCATION_MARK)).toBe(true);
      lengths.add(v.length);
    }
    expect(lengths.size).toBe(1); // one common length
    expect(r.dropped.truncated).toContain("extras.app.blob_7");
    expect(r.llm?.operation).toBe("chat"); // short fields untouched
  });

  it("honours a smaller maxRecordLength, and ignores a value that is not a positive number", () => {
    const span = makeSpan({ attributes: { a: "x".repeat(50_000), b: "y".repeat(50_000) } });
    expect(stringUnits(toCanonicalSpan(span, { maxRecordLength: 20_000 }))).toBeLessThan(21_000);
    expect(toCanonicalSpan(span, { maxRecordLength: -5 }).extras.a).toBe("x".repeat(50_000));
  });

  it("a cut message list is written as cut, never as its original JSON text", () => {
    const parts = Array.from({ length: 30 }, (_, i) => ({ type: "text", content: `${i}:` + "m".repeat(50_000) }));
    const text = JSON.stringify([{ role: "user", parts }]);
    const r = createRedactor()(toCanonicalSpan(makeSpan({ attributes: { "gen_ai.operation.name": "chat", "gen_ai.input.messages": text } })));
    const line = encodeRecord(r);
    expect(line.length).toBeLessThan(1.1 * (1 << 20));
    expect(line).not.toContain("m".repeat(40_000));
    const parsed = JSON.parse(line) as { llm: { inputMessages: Array<{ parts: Array<{ content: string }> }> }; dropped: { truncated: string[] } };
    expect(parsed.llm.inputMessages[0]!.parts[29]!.content.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(parsed.dropped.truncated).toContain("llm.inputMessages.parts.content");
  });

  it("costs the common span nothing: an ordinary record is not cut", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { "gen_ai.operation.name": "chat", note: "n".repeat(60_000) } }));
    expect(r.extras.note).toBe("n".repeat(60_000));
    expect(r.dropped.truncated).toBeUndefined();
  });
});

describe("processor option maxRecordLength", () => {
  it("is checked at construction", () => {
    expect(() => new CanonicalSpanProcessor({ sinks: [], exitHooks: false, maxRecordLength: 0 })).toThrow(/maxRecordLength must be a positive integer/);
    expect(() => new CanonicalSpanProcessor({ sinks: [], exitHooks: false, maxStringLength: 1.5 })).toThrow(/maxStringLength must be a positive integer/);
  });
});
