import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { formatDuration, formatUsage, MAX_INDENT_DEPTH, renderTraceTree } from "../../src/sinks/console-tree";
import { makeSpan } from "../helpers/spans";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const BASE = Date.UTC(2025, 0, 2, 3, 4, 5);

/** ISO with microseconds, as the converter writes it. */
function iso(ms: number): string {
  return new Date(BASE + ms).toISOString().slice(0, -1) + "000Z";
}

function id(n: number): string {
  return n.toString(16).padStart(16, "0");
}

/** A real converted record, with the tree-relevant fields set directly (derivation is tested elsewhere). */
function rec(n: number, parent: number | null, start: number, end: number, fields: Partial<CanonicalSpan> = {}): CanonicalSpan {
  const r = toCanonicalSpan(makeSpan({ name: fields.name ?? `span-${n}` }));
  return Object.assign(r, {
    traceId: TRACE,
    spanId: id(n),
    parentId: parent === null ? null : id(parent),
    startTime: iso(start),
    endTime: iso(end),
    durationMs: end - start,
    type: "OTHER",
    status: { code: "UNSET" },
    ...fields,
  } satisfies Partial<CanonicalSpan>);
}

/** root agent → llm, tool (→ http), llm: given in the order the spans end. */
function agentTrace(): CanonicalSpan[] {
  const llm1 = rec(2, 1, 100, 920, {
    type: "LLM",
    name: "chat gpt-4o",
    llm: { model: "gpt-4o", requestModel: "gpt-4o-2024", toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
    usage: { inputTokens: 120, outputTokens: 45, cacheReadTokens: 100, reasoningTokens: 20, aggregate: false },
  });
  const http = rec(4, 3, 1010, 1300, { type: "HTTP", name: "GET" });
  const tool = rec(3, 1, 1000, 1310, {
    type: "TOOL",
    name: "execute_tool get_weather",
    tool: { name: "get_weather", callId: "call_1" },
    status: { code: "ERROR", message: "upstream timed out" },
    error: { type: "TimeoutError", message: "upstream timed out" },
  });
  const llm2 = rec(5, 1, 1400, 2400, {
    type: "LLM",
    name: "chat gpt-4o",
    llm: { model: "gpt-4o" },
    usage: { inputTokens: 300, outputTokens: 20, aggregate: false },
    status: { code: "OK" },
  });
  const agent = rec(1, null, 0, 2500, {
    type: "AGENT",
    name: "invoke_agent weather-bot",
    usage: { inputTokens: 420, outputTokens: 65, aggregate: true },
  });
  return [llm1, http, tool, llm2, agent];
}

describe("renderTraceTree", () => {
  it("prints a small agent trace as a tree, children by start time, with every field", () => {
    const out = renderTraceTree(agentTrace(), { colors: false });
    expect(out.split("\n")).toEqual([
      `trace ${TRACE}  5 spans  2.50 s`,
      `AGENT invoke_agent weather-bot  2.50 s  tokens 420 in / 65 out (aggregate)  ${id(1)}`,
      `├─ LLM chat gpt-4o  820 ms  model gpt-4o  tokens 120 in (100 cached) / 45 out (20 reasoning)  calls get_weather  ${id(2)}`,
      `├─ TOOL execute_tool get_weather  310 ms  tool get_weather  ERROR TimeoutError: upstream timed out  ${id(3)}`,
      `│  └─ HTTP GET  290 ms  ${id(4)}`,
      `└─ LLM chat gpt-4o  1.00 s  model gpt-4o  tokens 300 in / 20 out  OK  ${id(5)}`,
      "",
    ]);
  });

  it("colours types, durations, errors and ids only when asked", () => {
    const plain = renderTraceTree(agentTrace(), { colors: false });
    expect(plain).not.toContain("\x1b");
    const coloured = renderTraceTree(agentTrace(), { colors: true });
    expect(coloured).toContain("\x1b[1;31mERROR\x1b[0m");
    expect(coloured).toContain("\x1b[35mLLM\x1b[0m");
    expect(coloured).toContain("\x1b[33m820 ms\x1b[0m");
    expect(coloured).toContain(`\x1b[2m${id(2)}\x1b[0m`);
    // Same text once the SGR codes are removed.
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, "")).toBe(plain);
  });

  it("marks an incomplete trace and shows spans whose parent is absent at top level", () => {
    const [llm1, http, tool] = agentTrace();
    const out = renderTraceTree([llm1!, http!, tool!], { colors: false, incomplete: "root span not ended" });
    const lines = out.split("\n");
    expect(lines[0]).toBe(`trace ${TRACE}  3 spans  1.21 s  [incomplete: root span not ended]`);
    expect(lines[1]).toBe(
      `LLM chat gpt-4o  820 ms  model gpt-4o  tokens 120 in (100 cached) / 45 out (20 reasoning)  calls get_weather  ${id(2)} (parent ${id(1)} not shown)`,
    );
    expect(lines[2]).toMatch(/^TOOL execute_tool get_weather .* \(parent 0000000000000001 not shown\)$/);
    expect(lines[3]).toBe(`└─ HTTP GET  290 ms  ${id(4)}`);
  });

  it("prints every span exactly once despite duplicate ids and parent cycles", () => {
    const a = rec(1, 2, 0, 10, { name: "a" });
    const b = rec(2, 1, 1, 9, { name: "b" }); // a ↔ b cycle
    const self = rec(3, 3, 2, 3, { name: "self" }); // its own parent
    const dup1 = rec(4, null, 3, 4, { name: "dup-first" });
    const dup2 = rec(4, null, 5, 6, { name: "dup-second" });
    const child = rec(5, 4, 3, 4, { name: "child" });
    const out = renderTraceTree([a, b, self, dup1, dup2, child], { colors: false });
    const lines = out.trimEnd().split("\n").slice(1);
    expect(lines).toHaveLength(6);
    for (const name of ["a", "b", "self", "dup-first", "dup-second", "child"]) {
      expect(lines.filter((l) => l.includes(` ${name}  `))).toHaveLength(1);
    }
    expect(lines).toContain(`└─ OTHER child  1.0 ms  ${id(5)}`);
  });

  it("renders a 5,000-deep chain without recursion and with bounded indentation", () => {
    const chain: CanonicalSpan[] = [];
    for (let i = 1; i <= 5000; i++) chain.push(rec(i, i === 1 ? null : i - 1, i, 10_000 - i, { name: `n${i}` }));
    const lines = renderTraceTree(chain, { colors: false }).trimEnd().split("\n");
    expect(lines).toHaveLength(5001);
    expect(lines[5000]).toContain("[depth 4999] OTHER n5000");
    const longest = Math.max(...lines.map((l) => l.length));
    expect(longest).toBeLessThan(3 * MAX_INDENT_DEPTH + 100);
  });

  it("shows hostile span data escaped: one line per span, no raw control or bidi characters", () => {
    const hostile = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\r\n\u202e\u2066\u2028\x9b\ud800evil";
    const r = rec(1, null, 0, 5, {
      name: hostile,
      type: "LLM",
      llm: { model: hostile, toolCalls: [{ name: hostile }] },
      tool: { name: hostile },
      status: { code: "ERROR", message: hostile },
      error: { message: hostile, type: "\x1b[31m" },
    });
    const out = renderTraceTree([r], { colors: false });
    expect(out.split("\n")).toHaveLength(3); // header, span, trailing ""
    for (let i = 0; i < out.length; i++) {
      const c = out.charCodeAt(i);
      if (c === 0x0a) continue;
      expect(c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c <= 0x9f)).toBe(true);
      expect([0x202e, 0x2066, 0x2028, 0xd800].includes(c)).toBe(false);
    }
    expect(out).toContain("\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07\\r\\n\\u202e\\u2066\\u2028\\x9b\\ud800evil");
  });

  it("truncates long fields for display", () => {
    const r = rec(1, null, 0, 5, { name: "x".repeat(1000) });
    const out = renderTraceTree([r], { colors: false, maxFieldLength: 50 });
    expect(out).toContain(" " + "x".repeat(50) + "…  ");
    expect(out).not.toContain("x".repeat(51));
  });
});

describe("formatting helpers", () => {
  it.each([
    [0.4213, "0.42 ms"],
    [12.34, "12.3 ms"],
    [820.4, "820 ms"],
    [2500, "2.50 s"],
    [185_000, "3m 05s"],
    [-1, "?"],
    [Number.NaN, "?"],
    [undefined, "?"],
  ])("formatDuration(%p) = %p", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it("formatUsage shows in/out with cache and reasoning, or total alone", () => {
    expect(formatUsage(undefined)).toBe("");
    expect(formatUsage({ aggregate: false })).toBe("");
    expect(formatUsage({ totalTokens: 9, aggregate: false })).toBe("tokens 9 total");
    expect(formatUsage({ inputTokens: 10, cacheWriteTokens: 4, aggregate: false })).toBe("tokens 10 in (4 cache write)");
    expect(formatUsage({ outputTokens: 7, reasoningTokens: 3, aggregate: true })).toBe("tokens 7 out (3 reasoning) (aggregate)");
  });
});
