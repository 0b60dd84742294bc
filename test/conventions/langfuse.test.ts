import { SpanStatusCode } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

describe("langfuse convention", () => {
  it("derives a generation: model, parameters, additive usage made inclusive, cost, I/O, prompt link", () => {
    const span = makeSpan({
      name: "llm-call",
      scope: "langfuse-sdk",
      attributes: {
        "langfuse.observation.type": "generation",
        "langfuse.observation.model.name": "gpt-4o",
        "langfuse.observation.model.parameters": JSON.stringify({ temperature: 0.1, max_tokens: 100, stream: true, tool_choice: "auto" }),
        "langfuse.observation.usage_details": JSON.stringify({ input: 30, output: 12, total: 57, cache_read_input_tokens: 10, input_cache_creation: 0, output_reasoning_tokens: 5 }),
        "langfuse.observation.cost_details": JSON.stringify({ input: 0.001, output: 0.002, total: 0.003 }),
        "langfuse.observation.input": JSON.stringify([{ role: "system", content: "sys" }, { role: "user", content: "hi" }]),
        "langfuse.observation.output": JSON.stringify({ role: "assistant", content: "hello" }),
        "langfuse.observation.prompt.name": "greeter",
        "langfuse.observation.prompt.version": 3,
        "langfuse.observation.metadata.team": "core",
        "langfuse.observation.metadata.limits": JSON.stringify({ a: 1 }),
        "langfuse.observation.metadata.langfuse_session_id": "meta-session",
        "langfuse.environment": "production",
        "langfuse.release": "v1.2",
        "langfuse.trace.name": "chat-flow",
        "langfuse.trace.tags": ["x", "y"],
        "user.id": "u-9",
        "session.id": "s-9",
      },
    });
    const r = toCanonicalSpan(span);
    expect(r.type).toBe("LLM");
    expect(r.llm).toMatchObject({
      model: "gpt-4o",
      requestModel: "gpt-4o",
      streaming: true,
      parameters: { temperature: 0.1, maxTokens: 100, tool_choice: "auto" },
      systemInstructions: [{ type: "text", content: "sys" }],
      inputMessages: [
        { role: "system", parts: [{ type: "text", content: "sys" }] },
        { role: "user", parts: [{ type: "text", content: "hi" }] },
      ],
      outputMessages: [{ role: "assistant", parts: [{ type: "text", content: "hello" }] }],
    });
    // input 30 excludes the 10 cached tokens, output 12 excludes the 5 reasoning ones.
    expect(r.usage).toEqual({ inputTokens: 40, outputTokens: 17, totalTokens: 57, cacheReadTokens: 10, cacheWriteTokens: 0, reasoningTokens: 5, aggregate: false });
    expect(r.cost).toEqual({ inputUsd: 0.001, outputUsd: 0.002, totalUsd: 0.003 });
    expect(r.input).toEqual([{ role: "system", content: "sys" }, { role: "user", content: "hi" }]);
    expect(r.output).toEqual({ role: "assistant", content: "hello" });
    expect(r.metadata).toEqual({ team: "core", limits: { a: 1 }, promptName: "greeter", promptVersion: 3, environment: "production", release: "v1.2" });
    expect(r.userId).toBe("u-9");
    expect(r.sessionId).toBe("s-9");
    expect(r.tags).toEqual(["x", "y"]);
    expect(r.agent).toEqual({ name: "chat-flow" });
    expect(r.conventions).toEqual(["langfuse"]);
    expect(r.sources).toMatchObject({ type: "langfuse.observation.type", "usage.inputTokens": "langfuse.observation.usage_details#input", "cost.totalUsd": "langfuse.observation.cost_details#total" });
    // The losing session candidate from metadata stays visible.
    expect(r.extras).toEqual({ "langfuse.observation.metadata.langfuse_session_id": "meta-session" });
  });

  it("usage: details written by the OpenAI integration are added back; inclusive writers are detected by the total", () => {
    const usage = (details: Record<string, number>) =>
      toCanonicalSpan(makeSpan({ attributes: { "langfuse.observation.type": "generation", "langfuse.observation.usage_details": JSON.stringify(details) } }));
    // What @langfuse/openai writes for prompt 42 (10 cached), completion 17 (5 reasoning).
    const official = usage({ input: 32, output: 12, total: 59, input_cached_tokens: 10, input_audio_tokens: 0, output_reasoning_tokens: 5, output_audio_tokens: 0 });
    expect(official.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59, cacheReadTokens: 10, reasoningTokens: 5, audioInputTokens: 0, audioOutputTokens: 0, aggregate: false });
    expect(official.extras).toEqual({});
    // A writer that put the inclusive counts under input/output: input + output == total.
    const inclusive = usage({ input: 42, output: 17, total: 59, input_cached_tokens: 10, output_reasoning_tokens: 5 });
    expect(inclusive.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59, cacheReadTokens: 10, reasoningTokens: 5, aggregate: false });
    // OpenAI-style names are inclusive already.
    expect(usage({ prompt_tokens: 42, completion_tokens: 17, cache_read_input_tokens: 10 }).usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59, cacheReadTokens: 10, aggregate: false });
  });

  it("keeps usage_details in extras when it holds keys canonspan does not model", () => {
    const r = toCanonicalSpan(
      makeSpan({ attributes: { "langfuse.observation.type": "generation", "langfuse.observation.usage_details": JSON.stringify({ input: 5, output: 2, image_tokens: 7 }) } }),
    );
    expect(r.usage).toEqual({ inputTokens: 5, outputTokens: 2, totalTokens: 7, aggregate: false });
    expect(r.extras["langfuse.observation.usage_details"]).toBe(JSON.stringify({ input: 5, output: 2, image_tokens: 7 }));
  });

  it("turns completion_start_time into a TTFT relative to the span start", () => {
    const span = makeSpan({ attributes: { "langfuse.observation.type": "generation" } });
    const startMs = span.startTime[0] * 1000 + span.startTime[1] / 1e6;
    const cst = new Date(Math.floor(startMs) + 250).toISOString();
    const r = toCanonicalSpan({ ...span, spanContext: () => span.spanContext(), attributes: { ...span.attributes, "langfuse.observation.completion_start_time": JSON.stringify(cst) } });
    expect(r.llm?.timeToFirstTokenMs).toBeCloseTo(Math.floor(startMs) + 250 - startMs, 3);
    expect(r.llm?.streaming).toBe(true);
    expect(r.sources["llm.timeToFirstTokenMs"]).toBe("langfuse.observation.completion_start_time");
    // A time before the span start is not a TTFT.
    const bad = toCanonicalSpan({ ...span, spanContext: () => span.spanContext(), attributes: { ...span.attributes, "langfuse.observation.completion_start_time": "2001-01-01T00:00:00Z" } });
    expect(bad.llm?.timeToFirstTokenMs).toBeUndefined();
  });

  it("maps observation types; `span` falls through unless model or usage keys mark a generation", () => {
    const kinds: Array<[string, string]> = [
      ["tool", "TOOL"],
      ["agent", "AGENT"],
      ["chain", "CHAIN"],
      ["retriever", "RETRIEVAL"],
      ["evaluator", "EVALUATOR"],
      ["guardrail", "GUARDRAIL"],
      ["embedding", "EMBEDDING"],
      ["event", "CHAIN"],
    ];
    for (const [t, expected] of kinds) expect(toCanonicalSpan(makeSpan({ attributes: { "langfuse.observation.type": t } })).type).toBe(expected);
    const plain = toCanonicalSpan(makeSpan({ name: "execute_tool x", attributes: { "langfuse.observation.type": "span" } }));
    expect(plain.type).toBe("TOOL");
    expect(plain.sources.type).toBe("rule:span-name");
    const oldGeneration = toCanonicalSpan(makeSpan({ attributes: { "langfuse.observation.type": "span", "langfuse.observation.model.name": "m" } }));
    expect(oldGeneration.type).toBe("LLM");
    expect(oldGeneration.sources.type).toBe("langfuse.observation.type");
  });

  it("reads the request object @langfuse/openai records as input", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: {
          "langfuse.observation.type": "generation",
          "langfuse.observation.input": JSON.stringify({ messages: [{ role: "user", content: "hi" }], tool_choice: "auto" }),
          "langfuse.observation.output": "plain answer",
        },
      }),
    );
    expect(r.llm?.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: "plain answer" }] }]);
    expect(r.input).toEqual({ messages: [{ role: "user", content: "hi" }], tool_choice: "auto" });
  });

  it("tool observations: input/output are the tool arguments and result", () => {
    const r = toCanonicalSpan(
      makeSpan({ name: "get_weather", attributes: { "langfuse.observation.type": "tool", "langfuse.observation.input": '{"city":"Paris"}', "langfuse.observation.output": "sunny" } }),
    );
    expect(r.type).toBe("TOOL");
    expect(r.tool).toEqual({ name: "get_weather", arguments: { city: "Paris" }, result: "sunny" });
    expect(r.input).toEqual({ city: "Paris" });
    expect(r.output).toBe("sunny");
  });

  it("level ERROR raises the status with the status message", () => {
    const r = toCanonicalSpan(
      makeSpan({ attributes: { "langfuse.observation.type": "span", "langfuse.observation.level": "ERROR", "langfuse.observation.status_message": "rate limited" } }),
    );
    expect(r.status).toEqual({ code: "ERROR", message: "rate limited" });
    expect(r.error).toEqual({ message: "rate limited" });
    expect(r.extras).toEqual({ "langfuse.observation.type": "span" });
    const warn = toCanonicalSpan(makeSpan({ attributes: { "langfuse.observation.level": "WARNING" } }));
    expect(warn.status.code).toBe("UNSET");
    const withOtelError = toCanonicalSpan(makeSpan({ status: { code: SpanStatusCode.ERROR, message: "otel" }, attributes: { "langfuse.observation.level": "ERROR" } }));
    expect(withOtelError.status).toEqual({ code: "ERROR", message: "otel" });
  });

  it("reads compat identity keys, langfuse_* metadata keys, non-object metadata and trace metadata", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: {
          "langfuse.user.id": "compat-user",
          "langfuse.session.id": "compat-session",
          "langfuse.trace.metadata": JSON.stringify({ langfuse_tags: ["t1"], region: "eu" }),
          "langfuse.trace.metadata.plan": "pro",
          "langfuse.observation.metadata": '"just text"',
          "langfuse.tags": "a,b",
          "langfuse.version": "9",
        },
      }),
    );
    expect(r.userId).toBe("compat-user");
    expect(r.sessionId).toBe("compat-session");
    expect(r.tags.sort()).toEqual(["a", "b", "t1"]);
    expect(r.metadata).toEqual({ metadata: "just text", region: "eu", plan: "pro", version: "9" });
    expect(r.extras).toEqual({});
  });

  it("marks usage on invoke_agent / agent_step spans as aggregate", () => {
    const r = toCanonicalSpan(
      makeSpan({ attributes: { "gen_ai.operation.name": "agent_step", "langfuse.observation.type": "generation", "langfuse.observation.usage_details": JSON.stringify({ input: 10, output: 3 }) } }),
    );
    expect(r.type).toBe("LLM");
    expect(r.usage?.aggregate).toBe(true);
    expect(r.sources["usage.aggregate"]).toBe("rule:aggregate");
  });

  it("survives hostile JSON", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: {
          "langfuse.observation.type": "generation",
          "langfuse.observation.usage_details": '{"__proto__":{"input":1},"input":"x"}',
          "langfuse.observation.model.parameters": "{broken",
          "langfuse.observation.metadata": '{"__proto__":{"polluted":true}}',
          "langfuse.observation.completion_start_time": "not a date",
        },
      }),
    );
    expect(r.dropped.errors).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.usage).toBeUndefined();
    expect(Object.getPrototypeOf(r.metadata)).toBe(Object.prototype);
  });
});
