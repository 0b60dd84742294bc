import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

/** MLflow JSON-encodes every value it sets. */
const enc = (v: unknown): string => JSON.stringify(v);

describe("mlflow convention", () => {
  it("derives an OpenAI-autolog CHAT_MODEL span from JSON-encoded inputs, outputs, usage and cost", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "Completions",
        attributes: {
          "mlflow.traceRequestId": enc("tr-1"),
          "mlflow.spanType": enc("CHAT_MODEL"),
          "mlflow.spanFunctionName": enc("create"),
          "mlflow.spanInputs": enc({
            model: "gpt-4o-mini",
            messages: [{ role: "system", content: "sys" }, { role: "user", content: "weather?" }],
            temperature: 0.5,
            max_tokens: 50,
            stream: false,
            tools: [{ type: "function", function: { name: "get_weather", description: "d", parameters: { type: "object" } } }],
          }),
          "mlflow.spanOutputs": enc({
            id: "chatcmpl-1",
            model: "gpt-4o-mini-2024-07-18",
            choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] } }],
          }),
          "mlflow.chat.tokenUsage": enc({ input_tokens: 42, output_tokens: 17, total_tokens: 59, cache_read_input_tokens: 10 }),
          "mlflow.llm.cost": enc({ input_cost: 0.01, output_cost: 0.02, total_cost: 0.03 }),
          "mlflow.llm.model": enc("gpt-4o-mini"),
          "mlflow.llm.provider": enc("openai"),
          "mlflow.message.format": enc("openai"),
          "mlflow.traceTag.team": enc("core"),
          "mlflow.traceTag.mlflow.traceName": enc("Completions"),
        },
      }),
    );
    expect(r.type).toBe("LLM");
    expect(r.llm).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini-2024-07-18",
      requestModel: "gpt-4o-mini",
      responseModel: "gpt-4o-mini-2024-07-18",
      streaming: false,
      parameters: { temperature: 0.5, maxTokens: 50 },
      systemInstructions: [{ type: "text", content: "sys" }],
      outputMessages: [{ role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }], finish_reason: "tool_call" }],
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
      toolDefinitions: [{ type: "function", name: "get_weather", description: "d", parameters: { type: "object" } }],
      finishReasons: ["tool_call"],
      responseId: "chatcmpl-1",
    });
    expect(r.llm?.inputMessages).toHaveLength(2);
    expect(r.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59, cacheReadTokens: 10, aggregate: false });
    expect(r.cost).toEqual({ inputUsd: 0.01, outputUsd: 0.02, totalUsd: 0.03 });
    expect(r.metadata).toEqual({ team: "core", "mlflow.traceName": "Completions" });
    expect(r.tags).toEqual(["team:core"]);
    expect(r.input).toMatchObject({ model: "gpt-4o-mini", temperature: 0.5 });
    expect(r.conventions).toEqual(["mlflow"]);
    expect(r.sources).toMatchObject({ type: "mlflow.spanType", "llm.inputMessages": "mlflow.spanInputs#messages", "llm.outputMessages": "mlflow.spanOutputs#choices", "usage.inputTokens": "mlflow.chat.tokenUsage#input_tokens" });
    expect(Object.keys(r.extras).sort()).toEqual(["mlflow.message.format", "mlflow.spanFunctionName", "mlflow.traceRequestId"]);
  });

  it("decodes double-encoded values", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { "mlflow.spanType": enc(enc("LLM")), "mlflow.llm.model": enc(enc("m")) } }));
    expect(r.type).toBe("LLM");
    expect(r.llm?.model).toBe("m");
  });

  it("TOOL spans: function name (or span name), arguments and result", () => {
    const r = toCanonicalSpan(
      makeSpan({ name: "get_weather", attributes: { "mlflow.spanType": enc("TOOL"), "mlflow.spanFunctionName": enc("get_weather_fn"), "mlflow.spanInputs": enc({ city: "Paris" }), "mlflow.spanOutputs": enc("sunny") } }),
    );
    expect(r.type).toBe("TOOL");
    expect(r.tool).toEqual({ name: "get_weather_fn", arguments: { city: "Paris" }, result: "sunny" });
    expect(r.input).toEqual({ city: "Paris" });
    const byName = toCanonicalSpan(makeSpan({ name: "lookup", attributes: { "mlflow.spanType": enc("TOOL"), "mlflow.spanInputs": enc({ q: 1 }) } }));
    expect(byName.tool).toEqual({ name: "lookup", arguments: { q: 1 } });
    expect(byName.sources["tool.name"]).toBe("rule:mlflow-span-name");
  });

  it("maps span types and lets UNKNOWN fall through", () => {
    const cases: Array<[string, string]> = [
      ["AGENT", "AGENT"],
      ["CHAIN", "CHAIN"],
      ["RETRIEVER", "RETRIEVAL"],
      ["PARSER", "CHAIN"],
      ["EMBEDDING", "EMBEDDING"],
      ["RERANKER", "RERANKER"],
      ["MEMORY", "MEMORY"],
      ["WORKFLOW", "WORKFLOW"],
    ];
    for (const [t, expected] of cases) expect(toCanonicalSpan(makeSpan({ attributes: { "mlflow.spanType": enc(t) } })).type).toBe(expected);
    const unknown = toCanonicalSpan(makeSpan({ name: "execute_tool x", attributes: { "mlflow.spanType": enc("UNKNOWN") } }));
    expect(unknown.type).toBe("TOOL");
    expect(unknown.sources.type).toBe("rule:span-name");
  });

  it("streaming: chunk events mark the call streamed and the first one gives the TTFT", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: { "mlflow.spanType": enc("LLM"), "mlflow.chat.messages": enc([{ role: "user", content: "hi" }]), "mlflow.chat.tools": enc([{ type: "function", function: { name: "t" } }]) },
        events: [{ name: "mlflow.chunk.item.0", attributes: { "mlflow.chunk.value": enc({ delta: "he" }) } }],
      }),
    );
    expect(r.llm?.streaming).toBe(true);
    expect(typeof r.llm?.timeToFirstTokenMs).toBe("number");
    expect(r.llm?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(r.sources["llm.timeToFirstTokenMs"]).toBe("rule:first-token-event");
    expect(r.llm?.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    expect(r.llm?.toolDefinitions).toEqual([{ type: "function", name: "t" }]);
  });

  it("survives hostile values", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: {
          "mlflow.spanType": enc({ nope: 1 }),
          "mlflow.spanInputs": '{"__proto__":{"polluted":1}}',
          "mlflow.chat.tokenUsage": "[1,2",
          "mlflow.traceTag.__proto__": enc("x"),
        },
      }),
    );
    expect(r.dropped.errors).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.usage).toBeUndefined();
    expect(Object.getPrototypeOf(r.metadata)).toBe(Object.prototype);
  });
});
