/**
 * Span data is untrusted input (SPEC §1, issue #2 item 7): property-based checks that the
 * converter never throws, never pollutes prototypes, keeps strings well-formed, bounds depth
 * and size, and stays linear in input size.
 */
import fc from "fast-check";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { parseJsonText } from "../../src/read/json";
import { truncate } from "../../src/read/strings";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

function everyString(v: unknown, visit: (s: string) => void): void {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === "string") visit(x);
    else if (Array.isArray(x)) stack.push(...x);
    else if (x && typeof x === "object") for (const k of Object.keys(x)) (visit(k), stack.push((x as Record<string, unknown>)[k]));
  }
}

const segment = fc.constantFrom("__proto__", "constructor", "prototype", "0", "1", "-1", "99999999999", "", "message", "role", "content", "x");
const hostileKey = fc.tuple(
  fc.constantFrom("llm.input_messages", "llm.output_messages", "gen_ai.prompt", "gen_ai.completion", "langfuse.observation.metadata", "ai.telemetry.metadata", "traceloop.association.properties", "retrieval.documents", "agentlightning.reward"),
  fc.array(segment, { minLength: 1, maxLength: 6 }),
).map(([p, segs]) => [p, ...segs].join("."));
const hostileValue = fc.oneof(
  fc.string(),
  fc.constantFrom('{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', "[", '{"a":', "{'a': 1}", "\ud800", "\udc00x", "true", "12"),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
);

describe("untrusted span data", () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  });

  it("never throws, never pollutes prototypes, and always yields a schema-valid, well-formed record", () => {
    fc.assert(
      fc.property(fc.dictionary(hostileKey, hostileValue, { maxKeys: 20 }), fc.constantFrom("chat m", "execute_tool t", "x"), (attrs, name) => {
        const span = makeSpan({ name, attributes: { "gen_ai.operation.name": "chat", ...attrs } });
        const r = toCanonicalSpan(span);
        expectValidRecord(r);
        everyString(r, (s) => expect(isWellFormed(s)).toBe(true));
        expect(Object.getPrototypeOf(r.extras)).toBe(Object.prototype);
        expect(JSON.parse(JSON.stringify(r)).schema).toBe("canonspan/v1");
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on thrown values that break error formatting, and runs no user toString", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    let toStringCalls = 0;
    const sneaky = { toString: () => (toStringCalls++, "x") };
    const symbolName = Object.assign(new Error("m"), { name: Symbol("n") });
    for (const thrown of [proxy, Object.create(null), sneaky, symbolName]) {
      const span = {
        name: "s",
        spanContext() {
          throw thrown;
        },
      };
      const r = toCanonicalSpan(span as never);
      expect(r.dropped.errors?.["*"]).toEqual(expect.any(String));
      expectValidRecord(r);
    }
    expect(toStringCalls).toBe(0);
  });

  it("does not raise RangeError on a 100,000-deep tool-argument string", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const r = toCanonicalSpan(makeSpan({ name: "execute_tool t", attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "t", "gen_ai.tool.call.arguments": deep } }));
    expect(typeof r.tool?.arguments).toBe("string"); // kept raw, not parsed
    expect(() => JSON.stringify(r)).not.toThrow();
    expect(parseJsonText(deep)).toEqual({ ok: false, reason: "too_deep" });
  });

  it("replaces lone surrogates in names, attributes and messages", () => {
    const r = toCanonicalSpan(makeSpan({ name: "a\ud800b", attributes: { "k\udc00": "v\ud83d", "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"x\\ud800y"}]}]' } }));
    expect(r.name).toBe("a\uFFFDb");
    expect(r.extras["k\uFFFD"]).toBe("v\uFFFD");
    expect(r.llm?.inputMessages?.[0]?.parts[0]).toEqual({ type: "text", content: "x\uFFFDy" });
  });

  it("truncates oversized values without splitting a surrogate pair and records the path", () => {
    const big = "a".repeat(99) + "😀".repeat(10);
    const r = toCanonicalSpan(makeSpan({ attributes: { big } }), { maxStringLength: 100 });
    const v = r.extras.big as string;
    expect(isWellFormed(v)).toBe(true);
    expect(v.startsWith("a".repeat(99))).toBe(true);
    expect(v).toContain("[truncated]");
    expect(r.dropped.truncated).toEqual(["extras.big"]);
    fc.assert(fc.property(fc.string({ unit: "binary" }), fc.nat(50), (s, n) => {
      const t = truncate(s, n);
      expect(t.length).toBeLessThanOrEqual(n);
      if (isWellFormed(s)) expect(isWellFormed(t)).toBe(true);
    }));
  });

  it("reads numbers and booleans sent as strings, JSON in strings, truncated JSON and Python-repr dicts", () => {
    const r = toCanonicalSpan(makeSpan({ name: "chat m", attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.usage.input_tokens": "12",
      "gen_ai.usage.output_tokens": "3.6",
      "gen_ai.request.stream": "TRUE",
      "gen_ai.request.temperature": "nan",
      "gen_ai.tool.call.arguments": '{"a": [1, 2',
      "gen_ai.output.messages": "{'role': 'assistant'}",
    } }));
    expect(r.usage).toMatchObject({ inputTokens: 12, outputTokens: 4, totalTokens: 16 });
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.parameters?.temperature).toBeUndefined();
    expect(r.extras["gen_ai.request.temperature"]).toBe("nan");
    expect(r.extras["gen_ai.output.messages"]).toBe("{'role': 'assistant'}");
  });
});
