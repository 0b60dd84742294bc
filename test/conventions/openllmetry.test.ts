import { SpanKind } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { unwrapEntityInput } from "../../src/conventions/openllmetry";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

const j = JSON.stringify;

describe("openllmetry convention", () => {
  it("derives a legacy chat span: flattened prompts and completions, legacy usage and parameters", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "openai.chat",
        kind: SpanKind.CLIENT,
        attributes: {
          "llm.request.type": "chat",
          "gen_ai.system": "OpenAI",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.response.model": "gpt-4o-2024-08-06",
          "gen_ai.request.temperature": 0.3,
          "gen_ai.request.max_tokens": 64,
          "llm.top_k": 5,
          "llm.frequency_penalty": 0.1,
          "llm.presence_penalty": 0.2,
          "llm.chat.stop_sequences": ["END"],
          "llm.request.reasoning_effort": "low",
          "llm.request.repetition_penalty": 1.1,
          "llm.is_streaming": true,
          "llm.user": "end-user-1",
          "gen_ai.usage.prompt_tokens": 30,
          "gen_ai.usage.completion_tokens": 12,
          "llm.usage.total_tokens": 42,
          "llm.usage.reasoning_tokens": 4,
          "gen_ai.usage.cache_read_input_tokens": 10,
          "gen_ai.prompt.0.role": "system",
          "gen_ai.prompt.0.content": "be brief",
          "gen_ai.prompt.1.role": "user",
          "gen_ai.prompt.1.content": j([{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "https://x/y.png" } }]),
          "gen_ai.prompt.2.role": "assistant",
          "gen_ai.prompt.2.tool_calls.0.id": "c1",
          "gen_ai.prompt.2.tool_calls.0.name": "get_weather",
          "gen_ai.prompt.2.tool_calls.0.arguments": '{"city":"Paris"}',
          "gen_ai.prompt.3.role": "tool",
          "gen_ai.prompt.3.tool_call_id": "c1",
          "gen_ai.prompt.3.content": "sunny",
          "gen_ai.completion.0.role": "assistant",
          "gen_ai.completion.0.content": "[1, 2]",
          "gen_ai.completion.0.finish_reason": "stop",
          "llm.request.functions.0.name": "get_weather",
          "llm.request.functions.0.description": "Weather",
          "llm.request.functions.0.parameters": '{"type":"object"}',
          "traceloop.workflow.name": "wf",
          "traceloop.association.properties.session_id": "s1",
          "traceloop.association.properties.user_id": "u1",
          "traceloop.association.properties.conversation_id": "c1",
          "traceloop.association.properties.customer": "acme",
        },
        events: [{ name: "llm.content.completion.chunk" }],
      }),
    );
    expectValidRecord(r);
    expect(r.type).toBe("LLM");
    expect(r.llm).toEqual({
      operation: "chat",
      provider: "openai",
      requestModel: "gpt-4o",
      responseModel: "gpt-4o-2024-08-06",
      model: "gpt-4o-2024-08-06",
      streaming: true,
      parameters: { temperature: 0.3, maxTokens: 64, topK: 5, frequencyPenalty: 0.1, presencePenalty: 0.2, stop: ["END"], reasoningEffort: "low", repetition_penalty: 1.1 },
      systemInstructions: [{ type: "text", content: "be brief" }],
      inputMessages: [
        { role: "system", parts: [{ type: "text", content: "be brief" }] },
        { role: "user", parts: [{ type: "text", content: "what is this?" }, { type: "uri", modality: "image", uri: "https://x/y.png" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "get_weather", arguments: { city: "Paris" } }] },
        { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: "sunny" }] },
      ],
      // A completion that merely looks like JSON stays text.
      outputMessages: [{ role: "assistant", parts: [{ type: "text", content: "[1, 2]" }], finish_reason: "stop" }],
      toolDefinitions: [{ type: "function", name: "get_weather", description: "Weather", parameters: { type: "object" } }],
      finishReasons: ["stop"],
    });
    expect(r.usage).toEqual({ inputTokens: 30, outputTokens: 12, totalTokens: 42, cacheReadTokens: 10, reasoningTokens: 4, aggregate: false });
    expect(r.sessionId).toBe("s1");
    expect(r.userId).toBe("u1");
    expect(r.conversationId).toBe("c1");
    expect(r.metadata).toEqual({ customer: "acme" });
    expect(r.conventions).toEqual(["gen_ai", "openllmetry"]);
    expect(r.sources).toMatchObject({
      type: "llm.request.type",
      "llm.operation": "llm.request.type",
      "llm.streaming": "llm.is_streaming",
      "llm.inputMessages": "gen_ai.prompt.N",
      "llm.outputMessages": "gen_ai.completion.N",
      "llm.finishReasons": "gen_ai.completion.N.finish_reason",
      "usage.totalTokens": "llm.usage.total_tokens",
      "usage.reasoningTokens": "llm.usage.reasoning_tokens",
      "llm.toolDefinitions": "llm.request.functions",
      userId: "traceloop.association.properties.user_id",
    });
    // The OpenAI `user` param lost the userId pick; the workflow name is context, not modeled.
    expect(r.extras).toEqual({ "llm.user": "end-user-1", "traceloop.workflow.name": "wf" });
  });

  it("does not read gen_ai.prompt.name, prompt_filter_results or the plain gen_ai.prompt as flattened messages", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "openai.chat",
        attributes: {
          "llm.request.type": "chat",
          "gen_ai.prompt": j([{ role: "user", content: "from the plain key" }]),
          "gen_ai.prompt.name": "analyze-code",
          "gen_ai.prompt.prompt_filter_results": '[{"prompt_index":0}]',
          "gen_ai.completion.0.content_filter_results": '{"hate":{"filtered":false}}',
          "gen_ai.completion.0.content": "ok",
        },
      }),
    );
    expect(r.llm?.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "from the plain key" }] }]);
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: "ok" }] }]);
    // Content-filter results have no canonical field: they stay extras.
    expect(r.extras).toEqual({
      "gen_ai.prompt.name": "analyze-code",
      "gen_ai.prompt.prompt_filter_results": '[{"prompt_index":0}]',
      "gen_ai.completion.0.content_filter_results": '{"hate":{"filtered":false}}',
    });
  });

  it("reads completion tool calls without ids, legacy function_call and refusals", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "openai.chat",
        attributes: {
          "llm.request.type": "chat",
          "gen_ai.completion.0.role": "assistant",
          "gen_ai.completion.0.tool_calls.0.name": "a",
          "gen_ai.completion.0.tool_calls.0.arguments": '{"x":1}',
          "gen_ai.completion.0.tool_calls.1.name": "b",
          "gen_ai.completion.0.tool_calls.1.arguments": "not json",
          "gen_ai.completion.0.finish_reason": "tool_calls",
          "gen_ai.completion.1.role": "assistant",
          "gen_ai.completion.1.function_call.name": "legacy",
          "gen_ai.completion.1.function_call.arguments": '{"y":2}',
          "gen_ai.completion.2.role": "assistant",
          "gen_ai.completion.2.refusal": "I can't",
        },
      }),
    );
    expect(r.llm?.outputMessages).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", name: "a", arguments: { x: 1 } }, { type: "tool_call", name: "b", arguments: "not json" }], finish_reason: "tool_call" },
      { role: "assistant", parts: [{ type: "tool_call", name: "legacy", arguments: { y: 2 } }] },
      { role: "assistant", parts: [{ type: "refusal", content: "I can't" }] },
    ]);
    expect(r.llm?.toolCalls).toEqual([
      { name: "a", arguments: { x: 1 } },
      { name: "b", arguments: "not json" },
      { name: "legacy", arguments: { y: 2 } },
    ]);
    expect(r.llm?.finishReasons).toEqual(["tool_call"]);
  });

  it("classifies decorator spans and reads tool entities with unwrapped arguments", () => {
    const tool = toCanonicalSpan(
      makeSpan({
        name: "get_weather.tool",
        attributes: {
          "traceloop.span.kind": "tool",
          "traceloop.entity.name": "get_weather",
          "traceloop.entity.input": j({ args: [], kwargs: { city: "Paris" } }),
          "traceloop.entity.output": j({ temp: 21 }),
          "traceloop.entity.path": "wf.task",
          "traceloop.workflow.name": "wf",
        },
      }),
    );
    expect(tool.type).toBe("TOOL");
    expect(tool.tool).toEqual({ name: "get_weather", arguments: { city: "Paris" }, result: { temp: 21 } });
    expect(tool.input).toEqual({ args: [], kwargs: { city: "Paris" } });
    expect(tool.output).toEqual({ temp: 21 });
    expect(tool.extras).toEqual({ "traceloop.entity.path": "wf.task", "traceloop.workflow.name": "wf" });

    const agent = toCanonicalSpan(makeSpan({ name: "planner.agent", attributes: { "traceloop.span.kind": "agent", "traceloop.entity.name": "planner" } }));
    expect(agent.type).toBe("AGENT");
    expect(agent.agent).toEqual({ name: "planner" });
    const wf = toCanonicalSpan(makeSpan({ name: "flow.workflow", attributes: { "traceloop.span.kind": "workflow", "traceloop.entity.name": "flow" } }));
    expect(wf.type).toBe("WORKFLOW");
    expect(wf.agent).toBeUndefined();
    expect(wf.tool).toBeUndefined();
    expect(toCanonicalSpan(makeSpan({ attributes: { "traceloop.span.kind": "task" } })).type).toBe("TASK");
  });

  it("never classifies from inherited context keys", () => {
    const r = toCanonicalSpan(makeSpan({ name: "db call", attributes: { "traceloop.workflow.name": "wf", "traceloop.entity.path": "a.b", "traceloop.association.properties.session_id": "s" } }));
    expect(r.type).toBe("CHAIN");
    expect(r.sessionId).toBe("s");
  });

  it("unwraps decorator inputs: kwargs first, a single positional argument, truncated JSON stays raw", () => {
    expect(unwrapEntityInput({ args: ["Paris"], kwargs: {} })).toBe("Paris");
    expect(unwrapEntityInput({ args: [1, 2], kwargs: {} })).toEqual([1, 2]);
    expect(unwrapEntityInput({ args: [1], kwargs: { a: 1 } })).toEqual({ a: 1 });
    expect(unwrapEntityInput({ args: [], kwargs: {} })).toBeUndefined();
    expect(unwrapEntityInput({ city: "x" })).toEqual({ city: "x" });
    const truncated = '{"args": ["a very long', r = toCanonicalSpan(makeSpan({ attributes: { "traceloop.span.kind": "tool", "traceloop.entity.input": truncated } }));
    expect(r.tool?.arguments).toBe(truncated);
  });

  it("reads the streaming flag from decorator kwargs, stop reasons and completion/embedding request types", () => {
    const r = toCanonicalSpan(
      makeSpan({ name: "anthropic.chat", attributes: { "llm.request.type": "completion", "gen_ai.request.model": "m", "llm.response.stop_reason": "end_turn" } }),
    );
    expect(r.llm).toMatchObject({ operation: "text_completion", finishReasons: ["stop"], streaming: false });
    expect(toCanonicalSpan(makeSpan({ name: "openai.embeddings", attributes: { "llm.request.type": "embedding" } })).type).toBe("EMBEDDING");
    expect(toCanonicalSpan(makeSpan({ attributes: { "llm.request.type": "rerank" } })).type).toBe("RERANKER");
    const kw = toCanonicalSpan(makeSpan({ attributes: { "traceloop.span.kind": "task", "traceloop.entity.input": j({ args: [], kwargs: { stream: true } }) } }));
    expect(kw.llm).toBeUndefined(); // a task span carries no model facts
    expect(kw.sources["llm.streaming"]).toBeUndefined();
  });

  it("normalizes human-readable gen_ai.system values", () => {
    const provider = (s: string): string | undefined => toCanonicalSpan(makeSpan({ name: "x.chat", attributes: { "llm.request.type": "chat", "gen_ai.system": s } })).llm?.provider;
    expect(["OpenAI", "Azure OpenAI", "Anthropic", "MistralAI", "TogetherAI", "VertexAI", "AlephAlpha", "Watsonx"].map(provider)).toEqual([
      "openai",
      "azure_openai",
      "anthropic",
      "mistral",
      "together",
      "google_vertex",
      "aleph_alpha",
      "watsonx",
    ]);
    expect(provider("Langchain")).toBeUndefined();
  });
});
