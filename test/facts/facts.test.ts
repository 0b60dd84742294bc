import { addKeysOf, defaultKeyOf, Facts } from "../../src/facts/facts";
import { PRECEDENCE } from "../../src/facts/precedence";

describe("Facts", () => {
  it("ignores values that are not meaningful", () => {
    const f = new Facts();
    for (const v of [undefined, null, "", [], {}]) f.add("llm.responseId", "gen_ai.response.id", v);
    expect(f.candidates("llm.responseId")).toEqual([]);
    expect(f.all("llm.responseId")).toEqual([]);
    expect(f.hasSection("llm")).toBe(false);
  });

  it("marks the section of every field with a candidate", () => {
    const f = new Facts();
    f.add("usage.inputTokens", "gen_ai.usage.input_tokens", 3);
    f.add("sessionId", "session.id", "s");
    expect(f.hasSection("usage")).toBe(true);
    expect(f.hasSection("sessionId")).toBe(true);
    expect(f.hasSection("llm")).toBe(false);
    expect(f.hasSection("cost")).toBe(false);
    expect(f.hasSection("no-such-section")).toBe(false);
  });

  it("orders every candidate by precedence, then by arrival", () => {
    const order = PRECEDENCE["llm.provider"];
    const f = new Facts();
    // Offered in reverse precedence order, plus two unlisted sources (they rank last, by arrival).
    f.add("llm.provider", "unlisted.b", "b");
    for (const source of [...order].reverse()) f.add("llm.provider", source, source);
    f.add("llm.provider", "unlisted.a", "a");
    f.add("llm.provider", order[0]!, "second of the best rank");
    expect(f.all("llm.provider").map((c) => c.value)).toEqual([order[0], "second of the best rank", ...order.slice(1), "b", "a"]);
    expect(f.candidates("llm.provider")).toHaveLength(order.length + 3);
  });

  it("records the convention that offered each candidate", () => {
    const f = new Facts();
    f.current = "langfuse";
    f.add("tags", "langfuse.tags", ["x"]);
    f.current = undefined;
    f.add("tags", "tag.tags", ["y"]);
    expect(f.all("tags").map((c) => c.convention)).toEqual([undefined, "langfuse"]);
  });
});

describe("consumed keys", () => {
  it("derive from the source unless given", () => {
    expect(defaultKeyOf("gen_ai.usage.input_tokens")).toBe("gen_ai.usage.input_tokens");
    expect(defaultKeyOf("llm.invocation_parameters#temperature")).toBe("llm.invocation_parameters");
    for (const s of ["rule:span-name", "event:exception", "log:gen_ai.choice", "resource:agentlightning.rollout_id"]) expect(defaultKeyOf(s)).toBeUndefined();
    const f = new Facts();
    f.add("tool.name", "gen_ai.tool.name", "t");
    f.add("tool.callId", "rule:span-name", "c", ["a", "b"]);
    f.add("tool.result", "rule:span-name", "r");
    const out = new Set<string>();
    for (const field of ["tool.name", "tool.callId", "tool.result"] as const) for (const c of f.candidates(field)) addKeysOf(c, out);
    expect([...out]).toEqual(["gen_ai.tool.name", "a", "b"]);
  });
});
