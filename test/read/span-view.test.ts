import { SpanView } from "../../src/read/span-view";
import type { SpanInput } from "../../src/read/span-input";

function view(attributes: Record<string, unknown>): SpanView {
  return new SpanView({ name: "s", kind: 0, attributes } as unknown as SpanInput);
}

/** The reference answer: some key starts with the prefix. */
function scan(attrs: Record<string, unknown>, prefix: string): boolean {
  return Object.keys(attrs).some((k) => k.startsWith(prefix));
}

describe("SpanView.hasPrefix", () => {
  const attrs = {
    "gen_ai.usage.input_tokens": 3,
    "gen_ai.request.model": "m",
    "llm.input_messages.0.message.role": "user",
    "a.b.c.d.e.f": 1,
    ".leading": 1,
    "trailing.": 1,
    plain: 1,
  };

  it.each([
    "gen_ai.",
    "gen_ai.usage.",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.input",
    "gen_ai.usage.output_tokens",
    "gen_ai.response.",
    "gen_ai",
    "gen",
    "llm.",
    "llm.input_messages",
    "llm.input_messages.0.",
    "llm.input_messages.0.message.",
    "llm.input_messages.0.message.role.",
    "llm.output_messages",
    "a.b.c.d.",
    "a.b.c.d.e.",
    "a.b.c.d.e.f",
    "a.c.",
    ".",
    ".leading",
    "trailing.",
    "plain",
    "plain.",
    "langfuse.",
    "",
  ])("answers %p like a scan of every key", (prefix) => {
    expect(view(attrs).hasPrefix(prefix)).toBe(scan(attrs, prefix));
  });

  it("answers prefixes past the indexed depth and length by scanning", () => {
    const long = "x".repeat(120);
    const a = { [`${long}.y.z`]: 1, "p.q.r.s.t.u.v": 1 };
    const v = view(a);
    for (const p of [`${long}.`, `${long}.y.`, "x.", "p.q.r.s.t.u.", "p.q.r.s.t.", "p.q.r.s.", "p.q.r.x."]) expect(v.hasPrefix(p)).toBe(scan(a, p));
  });

  it("stays correct on a key with thousands of dots", () => {
    const key = "a.".repeat(5000) + "z";
    const v = view({ [key]: 1 });
    expect(v.hasPrefix("a.a.a.")).toBe(true);
    expect(v.hasPrefix("a.".repeat(4000))).toBe(true);
    expect(v.hasPrefix("a.b.")).toBe(false);
  });

  it("answers each span from its own keys (the key memo is shared across spans)", () => {
    expect(view({ "gen_ai.usage.input_tokens": 1 }).hasPrefix("gen_ai.usage.")).toBe(true);
    expect(view({ "gen_ai.request.model": "m" }).hasPrefix("gen_ai.usage.")).toBe(false);
  });
});

describe("SpanView.prefixed", () => {
  it("lists meaningful keys under prefix + '.', minus the excepted ones", () => {
    const v = view({
      "gen_ai.request.model": "m",
      "gen_ai.request.top_k": 3,
      "gen_ai.request.empty": "",
      "gen_ai.request.": "no sub-key",
      "gen_ai.requester": 1,
      "gen_ai.request.custom.nested": true,
    });
    expect(v.prefixed("gen_ai.request")).toEqual([
      ["model", "gen_ai.request.model"],
      ["top_k", "gen_ai.request.top_k"],
      ["custom.nested", "gen_ai.request.custom.nested"],
    ]);
    expect(v.prefixed("gen_ai.request", new Set(["gen_ai.request.model"]))).toEqual([
      ["top_k", "gen_ai.request.top_k"],
      ["custom.nested", "gen_ai.request.custom.nested"],
    ]);
    expect(v.prefixed("gen_ai.req")).toEqual([]);
  });
});
