/**
 * Flattened-key unflattening used by the OpenInference, OpenLLMetry and Agent Lightning mappers:
 * hostile keys (`__proto__`, `constructor`, `prototype`, huge / negative / non-numeric indices,
 * empty segments) never pollute prototypes, never throw, and never break the record.
 */
import fc from "fast-check";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { agentLightning } from "../../src/conventions/agent-lightning";
import { logfire } from "../../src/conventions/logfire";
import { openAiAgents } from "../../src/conventions/openai-agents";
import { openInference } from "../../src/conventions/openinference";
import { indexedEntries, openInferenceMessages } from "../../src/conventions/openinference-messages";
import { openLlmetry } from "../../src/conventions/openllmetry";
import { Facts } from "../../src/facts/facts";
import { SpanView } from "../../src/read/span-view";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

const PREFIXES = [
  "llm.input_messages",
  "llm.output_messages",
  "llm.prompts",
  "llm.choices",
  "llm.tools",
  "gen_ai.prompt",
  "gen_ai.completion",
  "llm.request.functions",
  "embedding.embeddings",
  "retrieval.documents",
  "reranker.input_documents",
  "reranker.output_documents",
  "agentlightning.reward",
  "agentlightning.tag",
  "agentlightning.link",
];
const segment = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "0",
  "1",
  "007",
  "-1",
  "1e3",
  "99999999999",
  "4294967296",
  "",
  "message",
  "role",
  "content",
  "contents",
  "message_content",
  "type",
  "text",
  "image",
  "url",
  "tool_calls",
  "tool_call",
  "function",
  "name",
  "arguments",
  "id",
  "document",
  "metadata",
  "embedding",
  "vector",
  "value",
  "tool",
  "json_schema",
  "finish_reason",
);
const hostileKey = fc.tuple(fc.constantFrom(...PREFIXES), fc.array(segment, { minLength: 1, maxLength: 7 })).map(([p, segs]) => [p, ...segs].join("."));
/** Valid shapes with hostile indices or fields spliced in, so deep extraction paths run too. */
const TEMPLATES = [
  "llm.input_messages.{i}.message.role",
  "llm.input_messages.{i}.message.content",
  "llm.input_messages.{i}.message.tool_call_id",
  "llm.input_messages.{i}.message.contents.{j}.message_content.{f}",
  "llm.output_messages.{i}.message.tool_calls.{j}.tool_call.function.{f}",
  "llm.output_messages.{i}.message.contents.{j}.message_content.image.image.url",
  "gen_ai.prompt.{i}.{f}",
  "gen_ai.completion.{i}.tool_calls.{j}.{f}",
  "gen_ai.completion.{i}.function_call.{f}",
  "llm.request.functions.{i}.{f}",
  "agentlightning.reward.{i}.{f}",
  "agentlightning.link.{i}.{f}",
  "agentlightning.tag.{i}",
  "retrieval.documents.{i}.document.{f}",
  "llm.tools.{i}.tool.json_schema",
  "embedding.embeddings.{i}.embedding.{f}",
];
const index = fc.constantFrom("0", "1", "2", "__proto__", "constructor", "-1", "99999999999", "");
const field = fc.constantFrom("role", "content", "text", "type", "name", "arguments", "id", "value", "metadata", "score", "vector", "__proto__", "prototype", "key_match");
const structuredKey = fc
  .tuple(fc.constantFrom(...TEMPLATES), index, index, field)
  .map(([t, i, j, f]) => t.replace("{i}", i).replace("{j}", j).replace("{f}", f));
const anyKey = fc.oneof(hostileKey, structuredKey);
const hostileValue = fc.oneof(
  fc.string(),
  fc.constantFrom('{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', "[", '[{"type":"text","text":"x"}]', "{'a': 1}", "\ud800", "tool", "user", "1e999"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.array(fc.double(), { maxLength: 3 }),
);
const base = fc.constantFrom<Record<string, string>>(
  { "openinference.span.kind": "LLM" },
  { "openinference.span.kind": "TOOL" },
  { "openinference.span.kind": "RETRIEVER" },
  { "llm.request.type": "chat" },
  { "traceloop.span.kind": "tool" },
  { "logfire.span_type": "span" },
  {},
);
const names = fc.constantFrom("agentlightning.annotation", "handoff to X", "openai.chat", "x");

const MINE = [openInference, openLlmetry, logfire, agentLightning, openAiAgents];

function polluted(): boolean {
  return (
    ({} as Record<string, unknown>).polluted !== undefined ||
    Object.prototype.hasOwnProperty.call(Object.prototype, "polluted") ||
    Object.prototype.hasOwnProperty.call(Object.prototype, "role") ||
    Object.prototype.hasOwnProperty.call(Object.prototype, "message")
  );
}

describe("flattened-key unflattening under hostile keys", () => {
  afterEach(() => expect(polluted()).toBe(false));

  it("never throws, never pollutes prototypes, and the record round-trips through JSON", () => {
    fc.assert(
      fc.property(fc.dictionary(anyKey, hostileValue, { maxKeys: 25 }), base, names, (attrs, b, name) => {
        const span = makeSpan({ name, attributes: { ...b, ...attrs } });
        // The mappers themselves must not throw (a throw would lose the whole convention).
        const view = new SpanView(span);
        for (const c of MINE) {
          expect(() => {
            if (c.detect(view)) c.extract(view, new Facts());
          }).not.toThrow();
        }
        const r = toCanonicalSpan(span);
        expect(r.dropped.errors).toBeUndefined();
        expectValidRecord(r);
        // Serialized form is stable (JSON has no -0, so compare serializations, not objects).
        const text = JSON.stringify(r);
        expect(JSON.stringify(JSON.parse(text))).toBe(text);
        expect(polluted()).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it("ignores non-numeric, negative, huge and empty indices and keeps those keys as extras", () => {
    const attrs = {
      "openinference.span.kind": "LLM",
      "llm.input_messages.__proto__.message.role": "system",
      "llm.input_messages.constructor.message.content": "x",
      "llm.input_messages.-1.message.role": "user",
      "llm.input_messages.99999999999.message.role": "user",
      "llm.input_messages..message.role": "user",
      "llm.input_messages.0.message.role": "user",
      "llm.input_messages.0.message.content": "hi",
      "llm.input_messages.0.message.__proto__": "p",
      "llm.input_messages.1.message.contents.__proto__.message_content.text": "y",
      "llm.input_messages.1.message.role": "assistant",
    };
    const span = makeSpan({ attributes: attrs });
    const view = new SpanView(span);
    const e = indexedEntries(view, "llm.input_messages");
    expect(e?.items).toHaveLength(2);
    expect(openInferenceMessages(view, "llm.input_messages", "user")?.messages).toEqual([
      { role: "user", parts: [{ type: "text", content: "hi" }] },
      { role: "assistant", parts: [] },
    ]);
    const r = toCanonicalSpan(span);
    expect(r.llm?.inputMessages).toHaveLength(2);
    expect(Object.keys(r.extras).sort()).toEqual(
      [
        "llm.input_messages.__proto__.message.role",
        "llm.input_messages.constructor.message.content",
        "llm.input_messages.-1.message.role",
        "llm.input_messages.99999999999.message.role",
        "llm.input_messages..message.role",
        "llm.input_messages.0.message.__proto__",
        "llm.input_messages.1.message.contents.__proto__.message_content.text",
      ].sort(),
    );
    expect(Object.getPrototypeOf(r.extras)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("sorts indices numerically and tolerates gaps", () => {
    const view = new SpanView(
      makeSpan({ attributes: { "gen_ai.prompt.10.content": "c", "gen_ai.prompt.2.content": "b", "gen_ai.prompt.0.content": "a", "gen_ai.prompt.name": "tpl" } }),
    );
    const e = indexedEntries(view, "gen_ai.prompt");
    expect(e?.items.map((i) => i.content)).toEqual(["a", "b", "c"]);
    expect(e?.keys.sort()).toEqual(["gen_ai.prompt.0.content", "gen_ai.prompt.10.content", "gen_ai.prompt.2.content"]);
  });
});
