import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { encodeLine, encodeRecord, hasSequencePlaceholder, SEQUENCE_PLACEHOLDER, toSafeJson, tryEncodeRecord, withSequenceId, MAX_ENCODE_DEPTH } from "../../src/serialize/jsonl";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

/** A lone surrogate escape that is not an escaped backslash followed by "ud…". */
const LONE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/i;

function assertOneCleanLine(text: string): void {
  expect(text).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
  expect(text).not.toMatch(LONE_ESCAPE);
  expect(isUtf8(Buffer.from(text, "utf8"))).toBe(true);
  expect(() => JSON.parse(text)).not.toThrow();
}

describe("encodeRecord / encodeLine", () => {
  it("encodes a canonical record as JSON that parses back to the same record", () => {
    const record = toCanonicalSpan(
      makeSpan({ name: "chat gpt-4o", attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "app.note": "naïve ✓ 😀" } }),
    );
    const text = encodeRecord(record);
    assertOneCleanLine(text);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(record)));
    expect(encodeLine(record)).toBe(text + "\n");
  });

  it("keeps framing intact: newlines, quotes and forged records inside values stay in one line (E8)", () => {
    const record = toCanonicalSpan(
      makeSpan({ name: 'x"}\n{"fake":1}', attributes: { "a\nb": "line1\r\nInjected: y", "app.v": '}\n{"schema":"forged"}' } }),
    );
    const line = encodeLine(record);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    const parsed = JSON.parse(line);
    expect(parsed.name).toBe('x"}\n{"fake":1}');
    expect(parsed.spanId).toBe(record.spanId);
  });

  it("escapes U+2028, U+2029 and U+0085 so line readers that split on them see one line", () => {
    const value = "a\u2028b\u2029c\u0085d";
    const text = encodeRecord({ schema: "canonspan/v1", note: value });
    assertOneCleanLine(text);
    expect(text).toContain("\\u2028");
    expect(JSON.parse(text).note).toBe(value);
  });

  it("replaces lone surrogates with U+FFFD instead of writing \\udXXX escapes", () => {
    const text = encodeRecord({ s: "a\ud800b", [`k\udc00`]: ["\udbff"] });
    assertOneCleanLine(text);
    expect(JSON.parse(text)).toEqual({ s: "a\ufffdb", "k\ufffd": ["\ufffd"] });
  });

  it("leaves an escaped backslash followed by 'ud' text alone", () => {
    const value = { path: "C:\\udata\\ud800x" };
    expect(encodeRecord(value)).toBe(JSON.stringify(value));
  });

  it("survives cycles, BigInt, throwing getters and throwing toJSON", () => {
    const cyclic: Record<string, unknown> = { name: "c" };
    cyclic.self = cyclic;
    const hostile = {
      big: 12345678901234567890n,
      get boom(): never {
        throw new Error("getter");
      },
      bad: { toJSON: () => { throw new Error("toJSON"); } },
      date: new Date(0),
      nan: NaN,
      fn: () => 1,
      arr: [undefined, () => 1, Symbol("s"), 1],
      cyclic,
    };
    const text = encodeRecord(hostile);
    assertOneCleanLine(text);
    expect(JSON.parse(text)).toEqual({
      big: "12345678901234567890",
      boom: "[Unserializable]",
      bad: "[Unserializable]",
      date: "1970-01-01T00:00:00.000Z",
      nan: null,
      arr: [null, null, null, 1],
      cyclic: { name: "c", self: "[Circular]" },
    });
  });

  it("bounds nesting that makes JSON.stringify throw RangeError (E2)", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const text = encodeRecord({ deep });
    assertOneCleanLine(text);
    expect(text).toContain('"[MaxDepth]"');
    expect(text.split("[").length - 1).toBeLessThanOrEqual(MAX_ENCODE_DEPTH);
  });

  it("keeps __proto__ as an own key and pollutes nothing", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"n":1}');
    const text = encodeRecord({ parsed, big: 1n }); // BigInt forces the fallback walk
    expect(JSON.parse(text).parsed).toEqual(JSON.parse('{"__proto__":{"polluted":true},"n":1}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const safe = toSafeJson(parsed) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(safe, "__proto__")).toBe(true);
  });

  it("falls back to an identity stub when even the safe copy cannot be stringified", () => {
    const record = toCanonicalSpan(makeSpan({ name: "stubbed" }));
    const spy = jest.spyOn(JSON, "stringify");
    spy.mockImplementationOnce(() => { throw new RangeError("Invalid string length"); });
    spy.mockImplementationOnce(() => { throw new RangeError("Invalid string length"); });
    try {
      expect(tryEncodeRecord(record)).toBeUndefined();
      spy.mockImplementationOnce(() => { throw new RangeError("Invalid string length"); });
      spy.mockImplementationOnce(() => { throw new RangeError("Invalid string length"); });
      const stub = JSON.parse(encodeRecord(record));
      expect(stub).toEqual({
        schema: "canonspan/v1",
        traceId: record.traceId,
        spanId: record.spanId,
        name: "stubbed",
        dropped: { errors: { "*": "unserializable" } },
      });
    } finally {
      spy.mockRestore();
    }
  });

  it("never throws and always yields one clean parsable line for arbitrary values (property)", () => {
    const anything = fc.anything({
      withBigInt: true,
      withDate: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      stringUnit: fc.oneof(
        fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
        fc.constantFrom("\ud800", "\udc00", "\u2028", "\u2029", "\u0085", "\n", "\\", '"', "😀"),
      ),
      maxDepth: 4,
    });
    fc.assert(
      fc.property(anything, (value) => {
        const line = encodeLine(value);
        expect(line.endsWith("\n")).toBe(true);
        assertOneCleanLine(line.slice(0, -1));
      }),
      { numRuns: 300 },
    );
  });
});

describe("sequenceId placeholder (lines the app thread encodes for the offload worker)", () => {
  it("numbers the record's own field, never look-alike text from span data, and reports how much shorter the line got", () => {
    const bait = ',"sequenceId":1000000000000000,';
    const r = toCanonicalSpan(makeSpan({ name: bait, status: { code: 2, message: bait }, attributes: { [bait]: bait } }));
    r.sequenceId = SEQUENCE_PLACEHOLDER;
    const line = encodeRecord(r);
    expect(hasSequencePlaceholder(line)).toBe(true);
    const out = withSequenceId(line, 42)!;
    expect(out.shorter).toBe(14); // 16 digits became 2
    const parsed = JSON.parse(out.line);
    expect(parsed.sequenceId).toBe(42);
    expect(parsed.name).toBe(bait);
    expect(parsed.status.message).toBe(bait);
    expect(parsed.extras[bait]).toBe(bait);
    r.sequenceId = 42;
    expect(out.line).toBe(encodeRecord(r)); // byte-identical to encoding with the number
  });

  it("has no answer for a line without the placeholder", () => {
    const r = toCanonicalSpan(makeSpan({ name: "x" }));
    r.sequenceId = 7;
    expect(withSequenceId(encodeRecord(r), 8)).toBeUndefined();
  });
});
