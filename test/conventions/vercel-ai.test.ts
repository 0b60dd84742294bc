import { SpanKind } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

const TOOL_JSON = JSON.stringify({ type: "function", name: "get_weather", description: "Weather by city", inputSchema: { type: "object", properties: { city: { type: "string" } } } });

describe("vercel_ai convention: legacy ai.* spans", () => {
  it("classifies an AI SDK 6 doGenerate span as a non-streaming LLM call with every v6 usage key", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.generateText.doGenerate",
        scope: "ai",
        attributes: {
          "operation.name": "ai.generateText.doGenerate weather-bot",
          "resource.name": "weather-bot",
          "ai.operationId": "ai.generateText.doGenerate",
          "ai.telemetry.functionId": "weather-bot",
          "ai.model.provider": "openai.chat",
          "ai.model.id": "gpt-4o-mini",
          "ai.settings.maxRetries": 2,
          "ai.telemetry.metadata.userId": "u-1",
          "ai.telemetry.metadata.sessionId": "s-1",
          "ai.telemetry.metadata.tags": ["a", "b"],
          "ai.telemetry.metadata.team": "core",
          "ai.prompt.messages": JSON.stringify([
            { role: "system", content: "be brief" },
            { role: "user", content: [{ type: "text", text: "weather in Paris?" }] },
          ]),
          "ai.prompt.tools": [TOOL_JSON],
          "ai.prompt.toolChoice": JSON.stringify({ type: "auto" }),
          "gen_ai.system": "openai.chat",
          "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.request.temperature": 0.3,
          "ai.response.finishReason": "tool-calls",
          "ai.response.toolCalls": JSON.stringify([{ toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}' }]),
          "ai.response.id": "chatcmpl-1",
          "ai.response.model": "gpt-4o-mini-2024-07-18",
          "ai.response.timestamp": "2026-01-01T00:00:00.000Z",
          "ai.response.providerMetadata": JSON.stringify({ openai: { cachedPromptTokens: 10, reasoningTokens: 5, serviceTier: "default" } }),
          "ai.usage.inputTokens": 42,
          "ai.usage.inputTokenDetails.noCacheTokens": 32,
          "ai.usage.inputTokenDetails.cacheReadTokens": 10,
          "ai.usage.outputTokens": 17,
          "ai.usage.outputTokenDetails.textTokens": 12,
          "ai.usage.outputTokenDetails.reasoningTokens": 5,
          "ai.usage.totalTokens": 59,
          "ai.usage.reasoningTokens": 5,
          "ai.usage.cachedInputTokens": 10,
          "gen_ai.response.finish_reasons": ["tool-calls"],
          "gen_ai.response.id": "chatcmpl-1",
          "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
          "gen_ai.usage.input_tokens": 42,
          "gen_ai.usage.output_tokens": 17,
        },
      }),
    );
    expect(r.type).toBe("LLM");
    expect(r.llm).toEqual({
      operation: "chat",
      provider: "openai",
      model: "gpt-4o-mini-2024-07-18",
      requestModel: "gpt-4o-mini",
      responseModel: "gpt-4o-mini-2024-07-18",
      streaming: false,
      parameters: { temperature: 0.3, maxRetries: 2, toolChoice: { type: "auto" } },
      systemInstructions: [{ type: "text", content: "be brief" }],
      inputMessages: [
        { role: "system", parts: [{ type: "text", content: "be brief" }] },
        { role: "user", parts: [{ type: "text", content: "weather in Paris?" }] },
      ],
      outputMessages: [{ role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }], finish_reason: "tool_call" }],
      toolDefinitions: [{ type: "function", name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } } }],
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
      finishReasons: ["tool_call"],
      responseId: "chatcmpl-1",
    });
    expect(r.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59, cacheReadTokens: 10, reasoningTokens: 5, aggregate: false });
    expect(r.agent).toEqual({ name: "weather-bot" });
    expect(r.userId).toBe("u-1");
    expect(r.sessionId).toBe("s-1");
    expect(r.tags).toEqual(["a", "b"]);
    expect(r.metadata).toEqual({ team: "core" });
    expect(r.conventions).toEqual(["gen_ai", "vercel_ai"]);
    expect(r.sources).toMatchObject({
      type: "ai.operationId",
      "llm.streaming": "ai.operationId",
      "llm.provider": "gen_ai.system",
      "usage.cacheReadTokens": "ai.usage.inputTokenDetails.cacheReadTokens",
      "usage.reasoningTokens": "ai.usage.outputTokenDetails.reasoningTokens",
      "llm.outputMessages": "ai.response.*",
    });
    // Unmodeled keys and losing duplicates whose values differ stay; equal duplicates are consumed.
    expect(Object.keys(r.extras).sort()).toEqual(
      [
        "ai.response.providerMetadata",
        "ai.response.timestamp",
        "ai.usage.inputTokenDetails.noCacheTokens",
        "ai.usage.outputTokenDetails.textTokens",
      ].sort(),
    );
  });

  it("marks the streamText root as an AGENT roll-up with the prompt, output and TTFT-free streaming flag", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.streamText",
        scope: "ai",
        attributes: {
          "operation.name": "ai.streamText",
          "ai.operationId": "ai.streamText",
          "ai.model.provider": "anthropic.messages",
          "ai.model.id": "claude-x",
          "ai.settings.maxOutputTokens": 256,
          "ai.settings.context.tenant": "acme",
          "ai.settings.context.userId": "ctx-user",
          "ai.prompt": JSON.stringify({ system: "you are terse", prompt: "hi" }),
          "ai.response.text": "Hello!",
          "ai.response.reasoning": "thinking about it",
          "ai.response.finishReason": "stop",
          "ai.response.providerMetadata": JSON.stringify({ anthropic: { usage: { cache_read_input_tokens: 3, cache_creation_input_tokens: 4 } } }),
          "ai.usage.inputTokens": 20,
          "ai.usage.outputTokens": 8,
          "ai.usage.totalTokens": 28,
        },
      }),
    );
    expect(r.type).toBe("AGENT");
    expect(r.usage).toEqual({ inputTokens: 20, outputTokens: 8, totalTokens: 28, cacheReadTokens: 3, cacheWriteTokens: 4, aggregate: true });
    expect(r.sources["usage.aggregate"]).toBe("rule:aggregate");
    expect(r.sources["usage.cacheWriteTokens"]).toBe("ai.response.providerMetadata#cacheWrite");
    expect(r.llm).toMatchObject({
      provider: "anthropic",
      requestModel: "claude-x",
      streaming: true,
      parameters: { maxTokens: 256 },
      systemInstructions: [{ type: "text", content: "you are terse" }],
      inputMessages: [{ role: "user", parts: [{ type: "text", content: "hi" }] }],
      outputMessages: [
        {
          role: "assistant",
          parts: [
            { type: "reasoning", content: "thinking about it" },
            { type: "text", content: "Hello!" },
          ],
          finish_reason: "stop",
        },
      ],
      finishReasons: ["stop"],
    });
    expect(r.userId).toBe("ctx-user");
    expect(r.metadata).toEqual({ tenant: "acme" });
    expect(r.sources["llm.streaming"]).toBe("ai.operationId");
  });

  it("reads AI SDK 5 tool-result parts and the ≤v4 tool-call shape with JSON-text args", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.streamText.doStream",
        attributes: {
          "ai.operationId": "ai.streamText.doStream",
          "ai.model.provider": "openai.responses",
          "ai.model.id": "gpt-4o",
          "ai.prompt.messages": JSON.stringify([
            { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "get_weather", input: { city: "Paris" } }] },
            { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", toolName: "get_weather", output: { type: "json", value: { temp: 21 } } }] },
            { role: "tool", content: [{ type: "tool-result", toolCallId: "c2", toolName: "x", output: { type: "error-text", value: "boom" } }] },
            { role: "tool", content: [{ type: "tool-result", toolCallId: "c3", toolName: "y", result: { ok: true } }] },
          ]),
          "ai.response.toolCalls": JSON.stringify([{ toolCallType: "function", toolCallId: "c4", toolName: "get_weather", args: '{"city":"Rome"}' }]),
          "ai.response.finishReason": "tool-calls",
          "ai.response.msToFirstChunk": 123.5,
          "ai.usage.promptTokens": 30,
          "ai.usage.completionTokens": 6,
        },
        events: [{ name: "ai.stream.firstChunk", attributes: { "ai.response.msToFirstChunk": 123.5 } }],
      }),
    );
    expect(r.type).toBe("LLM");
    expect(r.llm?.provider).toBe("openai");
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.timeToFirstTokenMs).toBe(123.5);
    expect(r.sources["llm.timeToFirstTokenMs"]).toBe("ai.response.msToFirstChunk");
    expect(r.llm?.inputMessages).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "get_weather", arguments: { city: "Paris" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: { temp: 21 } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c2", response: "boom" }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c3", response: { ok: true } }] },
    ]);
    expect(r.llm?.toolCalls).toEqual([{ id: "c4", name: "get_weather", arguments: { city: "Rome" } }]);
    expect(r.usage).toEqual({ inputTokens: 30, outputTokens: 6, totalTokens: 36, aggregate: false });
    expect(r.sources["usage.inputTokens"]).toBe("ai.usage.promptTokens");
  });

  it("reads AI SDK 3 result keys, settings and the operation from operation.name alone", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.generateText",
        attributes: {
          "operation.name": "ai.generateText fn-3",
          "ai.model.provider": "openai.chat",
          "ai.model.id": "gpt-3.5-turbo",
          "ai.settings.maxTokens": 64,
          "ai.settings.mode": "auto",
          "ai.prompt": JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
          "ai.prompt.format": "messages",
          "ai.result.text": "hey",
          "ai.result.toolCalls": JSON.stringify([{ toolCallType: "function", toolCallId: "t1", toolName: "calc", args: { a: 1 } }]),
          "ai.finishReason": "stop",
          "ai.usage.promptTokens": 5,
          "ai.usage.completionTokens": 2,
        },
      }),
    );
    expect(r.type).toBe("AGENT");
    expect(r.sources.type).toBe("operation.name");
    expect(r.llm?.streaming).toBe(false);
    expect(r.llm?.parameters).toEqual({ maxTokens: 64, mode: "auto" });
    expect(r.llm?.outputMessages).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "hey" }, { type: "tool_call", id: "t1", name: "calc", arguments: { a: 1 } }], finish_reason: "stop" },
    ]);
    expect(r.llm?.finishReasons).toEqual(["stop"]);
    expect(r.sources["llm.finishReasons"]).toBe("ai.finishReason");
    expect(r.usage?.aggregate).toBe(true);
    expect(r.extras).toEqual({ "ai.prompt.format": "messages" });
  });

  it("object output, generated files and the v6 system message list", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.generateObject",
        attributes: {
          "ai.operationId": "ai.generateObject",
          "ai.prompt": JSON.stringify({ system: [{ role: "system", content: "a" }, { role: "system", content: "b" }], prompt: [{ role: "user", content: [{ type: "image", image: "https://x/y.png", mediaType: "image/png" }] }] }),
          "ai.schema": JSON.stringify({ type: "object" }),
          "ai.settings.output": "object",
          "ai.response.object": '{"city":"Paris"}',
          "ai.response.files": JSON.stringify([{ type: "file", mediaType: "image/png", data: "QUJD" }]),
          "ai.response.finishReason": "content-filter",
        },
      }),
    );
    expect(r.llm?.systemInstructions).toEqual([{ type: "text", content: "a" }, { type: "text", content: "b" }]);
    expect(r.llm?.inputMessages).toEqual([{ role: "user", parts: [{ type: "uri", modality: "image", uri: "https://x/y.png", mime_type: "image/png" }] }]);
    expect(r.llm?.outputMessages).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "text", content: '{"city":"Paris"}' },
          { type: "blob", modality: "image", content: "QUJD", mime_type: "image/png" },
        ],
        finish_reason: "content_filter",
      },
    ]);
    expect(r.llm?.finishReasons).toEqual(["content_filter"]);
    expect(r.llm?.parameters).toEqual({ output: "object" });
    expect(r.extras).toEqual({ "ai.schema": JSON.stringify({ type: "object" }) });
  });

  it("maps ai.toolCall spans (and the v5 beta input/output names) to TOOL", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.toolCall",
        attributes: {
          "ai.operationId": "ai.toolCall",
          "ai.toolCall.name": "get_weather",
          "ai.toolCall.id": "call_1",
          "ai.toolCall.args": '{"city":"Paris"}',
          "ai.toolCall.result": '{"temp":21}',
        },
      }),
    );
    expect(r.type).toBe("TOOL");
    expect(r.tool).toEqual({ name: "get_weather", callId: "call_1", arguments: { city: "Paris" }, result: { temp: 21 } });
    expect(r.llm).toBeUndefined();
    expect(r.extras).toEqual({});

    const beta = toCanonicalSpan(makeSpan({ name: "ai.toolCall", attributes: { "operation.name": "ai.toolCall", "ai.toolCall.name": "t", "ai.toolCall.input": '{"x":1}', "ai.toolCall.output": "plain" } }));
    expect(beta.tool).toEqual({ name: "t", arguments: { x: 1 }, result: "plain" });
  });

  it("embeddings: the embedMany root is a CHAIN roll-up, doEmbed an EMBEDDING call with ai.usage.tokens", () => {
    const root = toCanonicalSpan(
      makeSpan({
        name: "ai.embedMany",
        attributes: { "ai.operationId": "ai.embedMany", "ai.model.provider": "openai.embedding", "ai.model.id": "text-embedding-3-small", "ai.values": ['"a"', '"b"'], "ai.usage.tokens": 8 },
      }),
    );
    expect(root.type).toBe("CHAIN");
    expect(root.usage).toEqual({ inputTokens: 8, totalTokens: 8, aggregate: true });
    expect(root.input).toEqual(["a", "b"]);
    const inner = toCanonicalSpan(
      makeSpan({
        name: "ai.embedMany.doEmbed",
        attributes: {
          "ai.operationId": "ai.embedMany.doEmbed",
          "ai.model.provider": "openai.embedding",
          "ai.model.id": "text-embedding-3-small",
          "ai.values": ['"a"', '"b"'],
          "ai.embeddings": ["[0.25,-0.5]", "[1,0]"],
          "ai.usage.tokens": 8,
        },
      }),
    );
    expect(inner.type).toBe("EMBEDDING");
    expect(inner.llm).toMatchObject({ operation: "embeddings", provider: "openai", model: "text-embedding-3-small" });
    expect(inner.usage).toEqual({ inputTokens: 8, totalTokens: 8, aggregate: false });
    expect(inner.output).toEqual([[0.25, -0.5], [1, 0]]);
    expect(inner.extras).toEqual({});
  });

  it("rerank: ranked documents with scores from ai.ranking + ai.documents", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.rerank.doRerank",
        attributes: {
          "ai.operationId": "ai.rerank.doRerank",
          "ai.model.provider": "cohere.reranking",
          "ai.model.id": "rerank-v3.5",
          "ai.documents": ['"sunny"', '"rainy"'],
          "ai.ranking.type": "text",
          "ai.ranking": [JSON.stringify({ index: 1, relevanceScore: 0.9 }), JSON.stringify({ index: 0, relevanceScore: 0.1 })],
        },
      }),
    );
    expect(r.type).toBe("RERANKER");
    expect(r.retrieval?.documents).toEqual([
      { content: "rainy", score: 0.9, metadata: { index: 1 } },
      { content: "sunny", score: 0.1, metadata: { index: 0 } },
    ]);
    expect(r.extras).toEqual({ "ai.ranking.type": "text" });
  });

  it("survives hostile values without losing the convention", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ai.generateText.doGenerate",
        attributes: {
          "ai.operationId": "ai.generateText.doGenerate",
          "ai.prompt.messages": '[{"role":"user","content":[{"type":"tool-result","output":{"__proto__":{"polluted":1}}}]}',
          "ai.response.toolCalls": "[not json",
          "ai.response.providerMetadata": '{"__proto__":{"openai":{"cachedPromptTokens":9}}}',
          "ai.prompt.tools": ['{"__proto__":{"x":1},"name":"t"}', "nope"],
          "ai.telemetry.metadata.__proto__": "x",
          "ai.usage.inputTokens": "NaN",
        },
      }),
    );
    expect(r.type).toBe("LLM");
    expect(r.dropped.errors).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.usage).toBeUndefined();
    expect(Object.getPrototypeOf(r.metadata)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(r.metadata, "__proto__")).toBe(true);
  });
});

describe("vercel_ai convention: AI SDK 7 GenAI spans", () => {
  it("invoke_agent and agent_step usage is aggregate; the chat span's TTFT is its streaming signal", () => {
    const agent = toCanonicalSpan(
      makeSpan({
        name: "invoke_agent gpt-4o-mini",
        scope: "gen_ai",
        attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 84, "gen_ai.usage.output_tokens": 34 },
      }),
    );
    expect(agent.type).toBe("AGENT");
    expect(agent.usage).toEqual({ inputTokens: 84, outputTokens: 34, totalTokens: 118, aggregate: true });
    expect(agent.sources["usage.aggregate"]).toBe("rule:aggregate");
    expect(agent.conventions).toEqual(["gen_ai", "vercel_ai"]);

    const step = toCanonicalSpan(makeSpan({ name: "step 1", scope: "gen_ai", attributes: { "gen_ai.operation.name": "agent_step", "gen_ai.usage.input_tokens": 42 } }));
    expect(step.usage?.aggregate).toBe(true);

    const chat = toCanonicalSpan(
      makeSpan({
        name: "chat gpt-4o-mini",
        kind: SpanKind.CLIENT,
        scope: "gen_ai",
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.client.operation.time_to_first_chunk": 0.05,
          "gen_ai.usage.input_tokens": 42,
          "gen_ai.usage.output_tokens": 17,
          "ai.usage.outputTokenDetails.reasoningTokens": 5,
          "ai.usage.inputTokenDetails.noCacheTokens": 32,
          "ai.settings.context.sessionId": "s-7",
          "ai.response.providerMetadata": JSON.stringify({ openai: { cachedPromptTokens: 10 } }),
        },
      }),
    );
    expect(chat.type).toBe("LLM");
    expect(chat.llm?.streaming).toBe(true);
    expect(chat.llm?.timeToFirstTokenMs).toBe(50);
    expect(chat.usage).toEqual({ inputTokens: 42, outputTokens: 17, totalTokens: 59, cacheReadTokens: 10, reasoningTokens: 5, aggregate: false });
    expect(chat.sessionId).toBe("s-7");
    expect(chat.extras).toEqual({ "ai.usage.inputTokenDetails.noCacheTokens": 32, "ai.response.providerMetadata": JSON.stringify({ openai: { cachedPromptTokens: 10 } }) });

    const nonStreaming = toCanonicalSpan(makeSpan({ name: "chat m", scope: "gen_ai", attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m" } }));
    expect(nonStreaming.llm?.streaming).toBe(false);
  });

  it("does not mark invoke_agent from other scopes through this convention", () => {
    const r = toCanonicalSpan(makeSpan({ name: "invoke_agent a", scope: "other", attributes: { "gen_ai.operation.name": "invoke_agent" } }));
    expect(r.conventions).toEqual(["gen_ai"]);
  });
});
