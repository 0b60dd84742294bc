import { summarize, summaryLine } from "../../src/cli/summary";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { makeSpan } from "../helpers/spans";

function llm(model: string, input: number, output: number, extra: Record<string, number> = {}): CanonicalSpan {
  return toCanonicalSpan(makeSpan({ name: `chat ${model}`, attributes: { "gen_ai.operation.name": "chat", "gen_ai.response.model": model, "gen_ai.usage.input_tokens": input, "gen_ai.usage.output_tokens": output, ...extra } }));
}

describe("summarize", () => {
  it("sums only non-aggregate usage, per effective model, and counts errors and traces", () => {
    const agent = toCanonicalSpan(makeSpan({ name: "invoke_agent a", attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.usage.input_tokens": 30, "gen_ai.usage.output_tokens": 12 } }));
    expect(agent.usage?.aggregate).toBe(true);
    const failed = toCanonicalSpan(makeSpan({ name: "execute_tool t", attributes: { "gen_ai.operation.name": "execute_tool" }, status: { code: 2, message: "boom" } }));
    const records = [llm("m1", 10, 4, { "gen_ai.usage.cache_read.input_tokens": 3 }), llm("m1", 20, 8), llm("m2", 1, 1), agent, failed];
    const s = summarize(records);
    expect(s.spans).toBe(5);
    expect(s.traces).toBe(5); // makeSpan starts a new trace per span
    expect(s.byType).toEqual({ AGENT: 1, LLM: 3, TOOL: 1 });
    expect(s.tokensByModel).toEqual({
      m1: { calls: 2, inputTokens: 30, outputTokens: 12, cacheReadTokens: 3, reasoningTokens: 0 },
      m2: { calls: 1, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, reasoningTokens: 0 },
    });
    expect(s.totalTokens).toBe(44); // the agent's roll-up (42) is not counted again
    expect(s.errors).toBe(1);
    expect(summaryLine(s)).toBe("5 spans in 5 traces · m1: 2 calls, 30 in / 12 out tokens · m2: 1 call, 1 in / 1 out tokens · 1 error");
  });

  it("keeps hostile model names as plain keys", () => {
    const s = summarize([llm("__proto__", 1, 1)]);
    expect(Object.keys(s.tokensByModel)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).calls).toBeUndefined();
  });
});
