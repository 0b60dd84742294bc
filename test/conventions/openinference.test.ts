import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { valueByMime } from "../../src/conventions/openinference";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

const j = JSON.stringify;

describe("openinference convention", () => {
  it("derives an LLM record: models, provider, parameters, messages, tools, usage, cost", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "ChatCompletion",
        attributes: {
          "openinference.span.kind": "llm",
          "llm.model_name": "gpt-4o-2024-08-06",
          "llm.system": "openai",
          "llm.provider": "azure",
          "llm.invocation_parameters": j({ model: "gpt-4o", temperature: 0.2, max_completion_tokens: 50, top_p: 0.9, stop: "END", seed: 7, n: 1, stream: false, tool_choice: "auto", user: null }),
          "llm.input_messages.0.message.role": "system",
          "llm.input_messages.0.message.content": "be brief",
          "llm.input_messages.1.message.role": "user",
          "llm.input_messages.1.message.contents.0.message_content.type": "text",
          "llm.input_messages.1.message.contents.0.message_content.text": "what is [1, 2]?",
          "llm.input_messages.1.message.contents.1.message_content.type": "image",
          "llm.input_messages.1.message.contents.1.message_content.image.image.url": "data:image/png;base64,AAAA",
          "llm.input_messages.2.message.role": "assistant",
          "llm.input_messages.2.message.tool_calls.0.tool_call.id": "c1",
          "llm.input_messages.2.message.tool_calls.0.tool_call.function.name": "get_weather",
          "llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
          "llm.input_messages.10.message.role": "tool",
          "llm.input_messages.10.message.tool_call_id": "c1",
          "llm.input_messages.10.message.name": "get_weather",
          "llm.input_messages.10.message.content": '{"temp":21}',
          "llm.output_messages.0.message.role": "assistant",
          "llm.output_messages.0.message.tool_calls.0.tool_call.id": "c2",
          "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "book",
          "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"day":"mon"}',
          "llm.finish_reason": "tool_calls",
          "llm.tools.0.tool.json_schema": j({ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object" } } }),
          "llm.token_count.prompt": 100,
          "llm.token_count.completion": 20,
          "llm.token_count.total": 120,
          "llm.token_count.prompt_details.cache_read": 40,
          "llm.token_count.prompt_details.cache_write": 5,
          "llm.token_count.prompt_details.audio": 3,
          "llm.token_count.completion_details.reasoning": 8,
          "llm.token_count.completion_details.audio": 2,
          "llm.token_count.prompt_details.cache_input": 9,
          "llm.cost.prompt": 0.001,
          "llm.cost.completion": 0.002,
          "llm.cost.completion_details.reasoning": 0.0005,
        },
      }),
    );
    expectValidRecord(r);
    expect(r.type).toBe("LLM");
    expect(r.llm).toEqual({
      provider: "azure_openai",
      requestModel: "gpt-4o",
      responseModel: "gpt-4o-2024-08-06",
      model: "gpt-4o-2024-08-06",
      streaming: false,
      parameters: { temperature: 0.2, maxTokens: 50, topP: 0.9, stop: ["END"], seed: 7, n: 1, tool_choice: "auto" },
      systemInstructions: [{ type: "text", content: "be brief" }],
      inputMessages: [
        { role: "system", parts: [{ type: "text", content: "be brief" }] },
        { role: "user", parts: [{ type: "text", content: "what is [1, 2]?" }, { type: "blob", modality: "image", content: "AAAA", mime_type: "image/png" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "get_weather", arguments: { city: "Paris" } }] },
        { role: "tool", name: "get_weather", parts: [{ type: "tool_call_response", id: "c1", response: { temp: 21 } }] },
      ],
      outputMessages: [{ role: "assistant", parts: [{ type: "tool_call", id: "c2", name: "book", arguments: { day: "mon" } }], finish_reason: "tool_call" }],
      toolDefinitions: [{ type: "function", name: "get_weather", description: "Weather", parameters: { type: "object" } }],
      toolCalls: [{ id: "c2", name: "book", arguments: { day: "mon" } }],
      finishReasons: ["tool_call"],
    });
    expect(r.usage).toEqual({
      inputTokens: 100,
      outputTokens: 20,
      totalTokens: 120,
      cacheReadTokens: 40,
      cacheWriteTokens: 5,
      reasoningTokens: 8,
      audioInputTokens: 3,
      audioOutputTokens: 2,
      aggregate: false,
    });
    expect(r.cost).toEqual({ inputUsd: 0.001, outputUsd: 0.002, totalUsd: 0.003 });
    expect(r.conventions).toEqual(["openinference"]);
    expect(r.sources).toMatchObject({
      type: "openinference.span.kind",
      "llm.provider": "llm.provider",
      "llm.requestModel": "llm.invocation_parameters#model",
      "llm.responseModel": "llm.model_name",
      "llm.parameters.maxTokens": "llm.invocation_parameters#max_completion_tokens",
      "llm.inputMessages": "llm.input_messages",
      "llm.streaming": "llm.invocation_parameters#stream",
      "usage.cacheWriteTokens": "llm.token_count.prompt_details.cache_write",
    });
    // Only what has no canonical field stays.
    expect(r.extras).toEqual({
      "llm.system": "openai",
      "llm.token_count.prompt_details.cache_input": 9,
      "llm.cost.completion_details.reasoning": 0.0005,
    });
  });

  it("classifies every span kind case-insensitively and ignores unknown or hostile kinds", () => {
    const typeOf = (kind: string, extra: Record<string, string> = {}): string =>
      toCanonicalSpan(makeSpan({ name: "x", attributes: { "openinference.span.kind": kind, ...extra } })).type;
    expect(["LLM", "Embedding", "chain", "RETRIEVER", "reranker", "TOOL", "agent", "GUARDRAIL", "evaluator", "PROMPT"].map((k) => typeOf(k))).toEqual([
      "LLM",
      "EMBEDDING",
      "CHAIN",
      "RETRIEVAL",
      "RERANKER",
      "TOOL",
      "AGENT",
      "GUARDRAIL",
      "EVALUATOR",
      "PROMPT",
    ]);
    expect(typeOf("UNKNOWN")).toBe("CHAIN");
    expect(typeOf("constructor")).toBe("CHAIN");
    expect(typeOf("__proto__", { "llm.model_name": "m" })).toBe("LLM");
  });

  it("reads request/response model keys and prefers the response model", () => {
    const r = toCanonicalSpan(
      makeSpan({ attributes: { "openinference.span.kind": "LLM", "llm.model_name": "fallback-model", "llm.request.model_name": "claude-x", "llm.response.model_name": "claude-x-2026" } }),
    );
    expect(r.llm).toMatchObject({ requestModel: "claude-x", responseModel: "claude-x-2026", model: "claude-x-2026" });
    expect(r.sources["llm.responseModel"]).toBe("llm.response.model_name");
  });

  it("maps the provider-native spellings of invocation parameters", () => {
    const params = (p: Record<string, unknown>): unknown =>
      toCanonicalSpan(makeSpan({ attributes: { "openinference.span.kind": "LLM", "llm.invocation_parameters": j(p) } })).llm?.parameters;
    expect(params({ max_output_tokens: 10, topP: 0.5, topK: 3, reasoning: { effort: "high" } })).toEqual({ maxTokens: 10, topP: 0.5, topK: 3, reasoningEffort: "high", reasoning: { effort: "high" } });
    expect(params({ maxOutputTokens: 11, frequency_penalty: 0.1, presence_penalty: 0.2, stop: ["a", "b"] })).toEqual({ maxTokens: 11, frequencyPenalty: 0.1, presencePenalty: 0.2, stop: ["a", "b"] });
    expect(params({ max_tokens: 12, reasoning_effort: "low" })).toEqual({ maxTokens: 12, reasoningEffort: "low" });
    const streamed = toCanonicalSpan(makeSpan({ attributes: { "openinference.span.kind": "LLM", "llm.invocation_parameters": j({ stream: true }) } }));
    expect(streamed.llm?.streaming).toBe(true);
  });

  it("marks streaming from the First Token Stream Event", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { "openinference.span.kind": "LLM", "llm.model_name": "m" }, events: [{ name: "First Token Stream Event" }] }));
    expect(r.llm?.streaming).toBe(true);
    expect(r.sources["llm.streaming"]).toBe("rule:stream-events");
  });

  it("reads a TOOL span: name, call ids, arguments and result parsed per mime type", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "get_weather",
        attributes: {
          "openinference.span.kind": "TOOL",
          "tool.name": "get_weather",
          "tool.description": "Weather by city",
          "tool.id": "call_1",
          "tool.parameters": j({ type: "object", properties: { city: { type: "string" } } }),
          "input.value": '{"city":"Paris"}',
          "input.mime_type": "application/json",
          "output.value": "sunny, 21C",
          "output.mime_type": "text/plain",
        },
      }),
    );
    expect(r.type).toBe("TOOL");
    expect(r.tool).toEqual({ name: "get_weather", description: "Weather by city", callId: "call_1", arguments: { city: "Paris" }, result: "sunny, 21C" });
    expect(r.input).toEqual({ city: "Paris" });
    expect(r.output).toBe("sunny, 21C");
    expect(r.sources["tool.arguments"]).toBe("input.value");
    // The schema lost the arguments pick to input.value: it stays an extra.
    expect(Object.keys(r.extras)).toEqual(["tool.parameters"]);
  });

  it("reads top-level tool_call.* keys and does not treat input.value as arguments on other kinds", () => {
    const tool = toCanonicalSpan(
      makeSpan({ attributes: { "openinference.span.kind": "TOOL", "tool_call.id": "c9", "tool_call.function.name": "f", "tool_call.function.arguments": '{"a":1}', "input.value": "ignored?" } }),
    );
    expect(tool.tool).toEqual({ name: "f", callId: "c9", arguments: { a: 1 } });
    const chain = toCanonicalSpan(makeSpan({ attributes: { "openinference.span.kind": "CHAIN", "input.value": '{"q":"x"}', "output.value": "done" } }));
    expect(chain.tool).toBeUndefined();
    expect(chain.input).toEqual({ q: "x" });
    expect(chain.output).toBe("done");
  });

  it("decodes input/output values by mime type", () => {
    expect(valueByMime("42", "application/json")).toBe(42);
    expect(valueByMime("true", "application/json")).toBe(true);
    expect(valueByMime('{"a": [1', "application/json")).toBe('{"a": [1'); // truncated JSON stays raw
    expect(valueByMime('{"a":1}', "text/plain")).toEqual({ a: 1 });
    expect(valueByMime("plain words", undefined)).toBe("plain words");
    expect(valueByMime('{"a":1}', "audio/wav")).toBe('{"a":1}');
    expect(valueByMime(undefined, "application/json")).toBeUndefined();
  });

  it("keeps metadata JSON as an object and Python-repr metadata as the raw string; reads tags, agent and graph keys", () => {
    const json = toCanonicalSpan(
      makeSpan({ attributes: { "openinference.span.kind": "AGENT", metadata: j({ team: "a", n: 2 }), "tag.tags": ["t1", "t2"], "agent.name": "planner", "graph.node.name": "node", "graph.node.id": "n1" } }),
    );
    expect(json.metadata).toEqual({ team: "a", n: 2 });
    expect(json.tags).toEqual(["t1", "t2"]);
    expect(json.agent).toEqual({ name: "planner" });
    expect(json.extras).toEqual({ "graph.node.id": "n1", "graph.node.name": "node" });
    const repr = toCanonicalSpan(makeSpan({ attributes: { "openinference.span.kind": "AGENT", metadata: "{'team': 'a'}", "graph.node.name": "router" } }));
    expect(repr.metadata).toEqual({ metadata: "{'team': 'a'}" });
    expect(repr.agent).toEqual({ name: "router" });
    expect(repr.sources["agent.name"]).toBe("graph.node.name");
    // graph.node.name names an agent only on AGENT spans.
    const chain = toCanonicalSpan(makeSpan({ attributes: { "openinference.span.kind": "CHAIN", "graph.node.name": "router" } }));
    expect(chain.agent).toBeUndefined();
  });

  it("reads exception keys set as attributes", () => {
    const r = toCanonicalSpan(
      makeSpan({ attributes: { "openinference.span.kind": "CHAIN", "exception.type": "ValueError", "exception.message": "bad", "exception.stacktrace": "Traceback..." }, status: { code: 2, message: "bad" } }),
    );
    expect(r.status).toEqual({ code: "ERROR", message: "bad" });
    expect(r.error).toEqual({ type: "ValueError", message: "bad", stack: "Traceback..." });
  });

  it("reads embedding spans: model, texts as input, vectors as output", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "CreateEmbeddings",
        attributes: {
          "openinference.span.kind": "EMBEDDING",
          "embedding.model_name": "text-embedding-3-small",
          "embedding.invocation_parameters": j({ model: "text-embedding-3-small", encoding_format: "float" }),
          "embedding.embeddings.0.embedding.text": "hello",
          "embedding.embeddings.0.embedding.vector": [0.1, 0.2],
          "embedding.embeddings.1.embedding.text": "world",
          "embedding.embeddings.1.embedding.vector": [0.3, 0.4],
          "llm.token_count.prompt": 2,
          "llm.token_count.total": 2,
        },
      }),
    );
    expect(r.type).toBe("EMBEDDING");
    expect(r.llm).toEqual({ requestModel: "text-embedding-3-small", model: "text-embedding-3-small", parameters: { encoding_format: "float" } });
    expect(r.input).toEqual(["hello", "world"]);
    expect(r.output).toEqual([[0.1, 0.2], [0.3, 0.4]]);
    expect(r.usage).toEqual({ inputTokens: 2, totalTokens: 2, aggregate: false });
    expect(r.extras).toEqual({});
  });

  it("reads retrieval documents (JSON or Python-repr metadata) and the query", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: {
          "openinference.span.kind": "RETRIEVER",
          "input.value": "what is canonspan?",
          "retrieval.documents.0.document.id": "d1",
          "retrieval.documents.0.document.content": "a plugin",
          "retrieval.documents.0.document.score": 0.9,
          "retrieval.documents.0.document.metadata": '{"src":"a.md"}',
          "retrieval.documents.1.document.id": "d2",
          "retrieval.documents.1.document.metadata": "{'src': 'b.md'}",
        },
      }),
    );
    expect(r.type).toBe("RETRIEVAL");
    expect(r.retrieval).toEqual({
      query: "what is canonspan?",
      documents: [
        { id: "d1", content: "a plugin", score: 0.9, metadata: { src: "a.md" } },
        { id: "d2", metadata: "{'src': 'b.md'}" },
      ],
    });
    expect(r.extras).toEqual({});
  });

  it("reads reranker spans: query, model, output documents over input documents", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: {
          "openinference.span.kind": "RERANKER",
          "reranker.query": "q",
          "reranker.model_name": "rerank-v3",
          "reranker.top_k": 1,
          "reranker.input_documents.0.document.id": "a",
          "reranker.input_documents.1.document.id": "b",
          "reranker.output_documents.0.document.id": "b",
          "reranker.output_documents.0.document.score": 0.7,
        },
      }),
    );
    expect(r.type).toBe("RERANKER");
    expect(r.retrieval).toEqual({ query: "q", documents: [{ id: "b", score: 0.7 }] });
    expect(r.llm?.requestModel).toBe("rerank-v3");
    expect(r.extras).toEqual({ "reranker.top_k": 1, "reranker.input_documents.0.document.id": "a", "reranker.input_documents.1.document.id": "b" });
  });

  it("reads legacy completions keys, function calls, reasoning and audio parts", () => {
    const r = toCanonicalSpan(
      makeSpan({
        attributes: {
          "openinference.span.kind": "LLM",
          "llm.prompts": ["Say hi"],
          "llm.choices.0.completion.text": "hi",
          "llm.output_messages.0.message.role": "assistant",
          "llm.output_messages.0.message.function_call_name": "f",
          "llm.output_messages.0.message.function_call_arguments_json": '{"x":1}',
          "llm.output_messages.0.message.contents.0.message_content.type": "reasoning",
          "llm.output_messages.0.message.contents.0.message_content.text": "thinking",
          "llm.output_messages.0.message.contents.1.message_content.type": "audio",
          "llm.output_messages.0.message.contents.1.message_content.audio.audio.url": "https://a/b.wav",
          "llm.output_messages.0.message.contents.2.tool_call.id": "t1",
          "llm.output_messages.0.message.contents.2.tool_call.function.name": "g",
        },
      }),
    );
    expect(r.llm?.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "Say hi" }] }]);
    expect(r.llm?.outputMessages).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "thinking" },
          { type: "uri", modality: "audio", uri: "https://a/b.wav" },
          { type: "tool_call", id: "t1", name: "g" },
          { type: "tool_call", name: "f", arguments: { x: 1 } },
        ],
      },
    ]);
    expect(r.sources["llm.outputMessages"]).toBe("llm.output_messages");
    // The legacy choice lost to output_messages and stays an extra.
    expect(r.extras).toEqual({ "llm.choices.0.completion.text": "hi" });
  });

  it("uses llm.prompts.N.prompt.text when written flattened", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { "openinference.span.kind": "LLM", "llm.prompts.0.prompt.text": "a", "llm.prompts.1.prompt.text": "b" } }));
    expect(r.llm?.inputMessages).toEqual([
      { role: "user", parts: [{ type: "text", content: "a" }] },
      { role: "user", parts: [{ type: "text", content: "b" }] },
    ]);
  });

  it("does not detect plain spans", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { metadata: "x", "custom.key": 1 } }));
    expect(r.type).toBe("OTHER");
    expect(r.conventions).toEqual([]);
    expect(r.extras).toEqual({ metadata: "x", "custom.key": 1 });
  });
});

describe("OpenInference streaming marker", () => {
  it("derives time to first token from the First Token Stream Event's offset", () => {
    const span = makeSpan({ name: "OpenAI Chat Completions", attributes: { "openinference.span.kind": "LLM", "llm.model_name": "m" }, events: [{ name: "First Token Stream Event" }] });
    const start = span.startTime[0] * 1000 + span.startTime[1] / 1e6;
    const event = span.events[0]!;
    const expected = event.time[0] * 1000 + event.time[1] / 1e6 - start;
    const r = toCanonicalSpan(span);
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.timeToFirstTokenMs).toBeCloseTo(expected, 3);
    expect(r.sources["llm.timeToFirstTokenMs"]).toBe("rule:first-token-event");
  });
});
