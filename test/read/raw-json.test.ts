import fc from "fast-check";
import { SpanKind } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { normalizeMessages } from "../../src/read/messages";
import { canStandFor, grantRawJson, rawJsonOf } from "../../src/read/raw-json";
import { createRedactor } from "../../src/processor/redact";
import { encodeRecord } from "../../src/serialize/jsonl";
import { recordAttributes } from "../../src/sinks/otlp-span";
import { makeSpan } from "../helpers/spans";

const standsFor = (text: string): boolean => canStandFor(text, JSON.parse(text));

describe("canStandFor: JSON text that says exactly what its parse result says", () => {
  it("accepts compact and spaced JSON, colons in strings and keys included", () => {
    expect(standsFor('[{"role":"user","parts":[{"type":"text","content":"a: b :: c"}]}]')).toBe(true);
    expect(standsFor('[ {"role": "user", "parts": [ {"type": "text", "content": "x"} ] } ]')).toBe(true);
    expect(standsFor('{"a:b":{"c":"d:"},"e":[1,2,{"f":null}]}')).toBe(true);
  });

  it("refuses duplicate keys, whatever the strings around them hold", () => {
    expect(standsFor('[{"note":"sk-live-0123456789abcdef0123","note":"ok"}]')).toBe(false);
    expect(standsFor('{"a":"x:y","a":"z"}')).toBe(false);
    expect(standsFor('{"a":{"b":1,"b":2}}')).toBe(false);
    expect(standsFor('{"a":"1","b":{"a":"2"}}')).toBe(true); // the same name in two objects is fine
  });

  it("refuses \\u escapes, raw line breaks and the separators JSONL escapes", () => {
    expect(standsFor('["\\u0073k-secret"]')).toBe(false);
    expect(standsFor('[\n"a"\n]')).toBe(false);
    expect(standsFor('[\r"a"]')).toBe(false);
    expect(standsFor('["a\u2028b"]')).toBe(false);
    expect(standsFor('["a\u0085b"]')).toBe(false);
  });

  it("property: any JSON.stringify output without escapes stands for its value; one injected duplicate never does", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string(), (v, s) => {
        const text = JSON.stringify(v);
        if (text.includes("\\u") || /[\u2028\u2029\u0085]/.test(text)) return;
        expect(standsFor(text)).toBe(true);
        const dup = `{"k":${JSON.stringify(s)},"k":${text}}`;
        if (!dup.includes("\\u") && !/[\u2028\u2029\u0085]/.test(dup)) expect(standsFor(dup)).toBe(false);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

/** The text remembered for `value`, read through a granted record. */
const remembered = (value: unknown): string | undefined => {
  const holder = {};
  grantRawJson(holder);
  return rawJsonOf(holder, value);
};

describe("raw message texts in records", () => {
  const spaced = '[ {"role": "user", "parts": [ {"type": "text", "content": "hello"} ] } ]';

  it("normalizeMessages keeps canonical JSON text's parse result and remembers the text", () => {
    const list = normalizeMessages(spaced);
    expect(list).toEqual([{ role: "user", parts: [{ type: "text", content: "hello" }] }]);
    expect(remembered(list)).toBe(spaced);
  });

  it("remembers nothing for messages it had to rebuild, or for text it had to clean", () => {
    expect(remembered(normalizeMessages('[{"role":"user","content":"hi"}]'))).toBeUndefined(); // OpenAI shape
    expect(remembered(normalizeMessages('[{"role":"user","parts":[{"type":"text","content":"\\ud800"}]}]'))).toBeUndefined();
    expect(remembered(normalizeMessages('{"messages":[{"role":"user","parts":[]}]}'))).toBeUndefined();
    expect(remembered(normalizeMessages('[{"role":"user","parts":[]},{"no":"message"}]'))).toBeUndefined();
  });

  /** A chat record as the pipeline hands it to the sinks: converted, then passed by the redactor. */
  function chatRecord(input: string) {
    const span = makeSpan({ name: "chat m", kind: SpanKind.CLIENT, attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "gen_ai.input.messages": input } });
    return createRedactor()(toCanonicalSpan(span));
  }

  it("the JSONL line embeds the text as it came, and parses to the same record", () => {
    const r = chatRecord(spaced);
    const line = encodeRecord(r);
    expect(line).toContain(`"inputMessages":${spaced}`);
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(r)));
    // The record itself is left as it was.
    expect(r.llm!.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "hello" }] }]);
  });

  it("a record that did not come through the redactor is always serialized: a caller's change in place is kept", () => {
    const span = makeSpan({ name: "chat m", attributes: { "gen_ai.operation.name": "chat", "gen_ai.input.messages": spaced } });
    const r = toCanonicalSpan(span);
    (r.llm!.inputMessages![0]!.parts[0] as { content: string }).content = "changed by the caller";
    expect(encodeRecord(r)).toContain("changed by the caller");
    expect(String(recordAttributes(r)["gen_ai.input.messages"])).toContain("changed by the caller");
  });

  it("the OTLP attribute carries the text as it came", () => {
    expect(recordAttributes(chatRecord(spaced))["gen_ai.input.messages"]).toBe(spaced);
  });

  it("span data cannot forge the placeholders: a record whose strings mimic them encodes like JSON.stringify", () => {
    const r = chatRecord(spaced);
    r.name = '\u0001canonspan:in:00 "inputMessages":';
    r.extras["x"] = "\u0001canonspan:out:";
    expect(JSON.parse(encodeRecord(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });
});
