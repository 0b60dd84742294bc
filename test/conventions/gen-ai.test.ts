import { SpanKind } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

describe("gen_ai convention", () => {
  it("derives an LLM record from current semconv keys", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "chat gpt-4o",
        kind: SpanKind.CLIENT,
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.model": "gpt-4o-2024-08-06",
          "gen_ai.request.temperature": 0.2,
          "gen_ai.request.max_tokens": 100,
          "gen_ai.request.stream": true,
          "gen_ai.response.time_to_first_chunk": 0.25,
          "gen_ai.usage.input_tokens": 100,
          "gen_ai.usage.output_tokens": 50,
          "gen_ai.usage.cache_read.input_tokens": 40,
          "gen_ai.usage.reasoning.output_tokens": 10,
          "gen_ai.response.finish_reasons": ["tool_calls"],
          "gen_ai.response.id": "chatcmpl-1",
          "gen_ai.input.messages": JSON.stringify([{ role: "system", parts: [{ type: "text", content: "be brief" }] }, { role: "user", parts: [{ type: "text", content: "weather?" }] }]),
          "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "get_weather", arguments: { city: "Paris" } }], finish_reason: "tool_call" }]),
          "gen_ai.agent.name": "helper",
          "server.address": "api.openai.com",
          "custom.key": "kept",
        },
      }),
    );
    expect(r.type).toBe("LLM");
    expect(r.llm).toMatchObject({
      operation: "chat",
      provider: "openai",
      model: "gpt-4o-2024-08-06",
      requestModel: "gpt-4o",
      responseModel: "gpt-4o-2024-08-06",
      streaming: true,
      timeToFirstTokenMs: 250,
      parameters: { temperature: 0.2, maxTokens: 100 },
      finishReasons: ["tool_call"],
      responseId: "chatcmpl-1",
      toolCalls: [{ id: "c1", name: "get_weather", arguments: { city: "Paris" } }],
      systemInstructions: [{ type: "text", content: "be brief" }],
    });
    expect(r.usage).toEqual({ inputTokens: 100, outputTokens: 50, totalTokens: 150, cacheReadTokens: 40, reasoningTokens: 10, aggregate: false });
    expect(r.agent).toEqual({ name: "helper" });
    // server.address lost the provider pick to gen_ai.provider.name, so it stays an extra.
    expect(r.extras).toEqual({ "custom.key": "kept", "server.address": "api.openai.com" });
    expect(r.conventions).toEqual(["gen_ai"]);
    expect(r.sources["usage.inputTokens"]).toBe("gen_ai.usage.input_tokens");
    expect(r.sources["llm.provider"]).toBe("gen_ai.provider.name");
  });

  it("keeps unmodeled request parameters, a `__proto__` one as plain data", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "chat m",
        attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "gen_ai.request.__proto__": "x", "gen_ai.request.toString": "y", "gen_ai.request.logprobs": true },
      }),
    );
    const params = r.llm?.parameters as Record<string, unknown>;
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.keys(params).sort()).toEqual(["__proto__", "logprobs", "toString"]);
    expect(Object.getOwnPropertyDescriptor(params, "__proto__")?.value).toBe("x");
    expect(JSON.parse(JSON.stringify(r)).llm.parameters).toEqual(JSON.parse('{"__proto__":"x","toString":"y","logprobs":true}'));
    expect(({} as Record<string, unknown>).logprobs).toBeUndefined();
  });

  it("reads message span events of the 1.28 era and operation details", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "chat m",
        attributes: { "gen_ai.operation.name": "chat", "gen_ai.system": "az.ai.openai" },
        events: [
          { name: "gen_ai.user.message", attributes: { content: "hi", role: "user" } },
          { name: "gen_ai.choice", attributes: { "gen_ai.event.content": JSON.stringify({ index: 0, finish_reason: "stop", message: { role: "assistant", content: "hello" } }) } },
        ],
      }),
    );
    expect(r.llm?.provider).toBe("azure_openai");
    expect(r.llm?.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" }]);
    expect(r.llm?.finishReasons).toEqual(["stop"]);
    expect(r.llm?.streaming).toBe(false);
  });

  it("marks pydantic-ai aggregated usage and agent roll-ups as aggregate", () => {
    const r = toCanonicalSpan(makeSpan({ name: "invoke_agent a", attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.aggregated_usage.input_tokens": 10, "gen_ai.aggregated_usage.output_tokens": 5 } }));
    expect(r.type).toBe("AGENT");
    expect(r.usage).toEqual({ inputTokens: 10, outputTokens: 5, totalTokens: 15, aggregate: true });
  });

  it("makes exclusive cache counts inclusive", () => {
    const r = toCanonicalSpan(makeSpan({ name: "chat x", attributes: { "gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.cache_read.input_tokens": 30, "gen_ai.usage.output_tokens": 1 } }));
    expect(r.usage?.inputTokens).toBe(40);
    expect(r.sources["usage.inputTokens"]).toContain("cache-inclusive");
  });

  it("classifies HTTP and database spans of auto-instrumented apps", () => {
    expect(toCanonicalSpan(makeSpan({ name: "GET", attributes: { "http.request.method": "GET", "url.full": "http://x" } })).type).toBe("HTTP");
    expect(toCanonicalSpan(makeSpan({ name: "SELECT", attributes: { "db.system": "postgresql" } })).type).toBe("DATABASE");
    expect(toCanonicalSpan(makeSpan({ name: "plain" })).type).toBe("OTHER");
  });

  it("reports a tool span with parsed arguments and result", () => {
    const r = toCanonicalSpan(makeSpan({ name: "execute_tool get_weather", attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "get_weather", "gen_ai.tool.call.id": "c1", "gen_ai.tool.call.arguments": '{"city":"Paris"}', "gen_ai.tool.call.result": '{"temp":21}' } }));
    expect(r.type).toBe("TOOL");
    expect(r.tool).toEqual({ name: "get_weather", callId: "c1", arguments: { city: "Paris" }, result: { temp: 21 } });
    expect(r.llm).toBeUndefined();
  });
});
