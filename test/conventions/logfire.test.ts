import { SpanKind } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { isPlaceholderSpan } from "../../src/conventions/logfire";
import { SpanView } from "../../src/read/span-view";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

const j = JSON.stringify;

describe("logfire / pydantic-ai convention", () => {
  it("reads a Logfire OpenAI chat span from request_data and response_data", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "Chat Completion with {request_data[model]!r}",
        scope: "logfire.openai",
        attributes: {
          "logfire.span_type": "span",
          "logfire.msg": "Chat Completion with 'gpt-4o'",
          "logfire.msg_template": "Chat Completion with {request_data[model]!r}",
          "logfire.tags": ["llm", "prod"],
          async: false,
          request_data: j({
            model: "gpt-4o",
            messages: [
              { role: "system", content: "be brief" },
              { role: "user", content: "hi" },
            ],
            temperature: 0.5,
            max_completion_tokens: 30,
            tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
            response_format: { type: "text" },
            stream: false,
          }),
          response_data: j({
            message: { role: "assistant", content: "hello", tool_calls: null },
            usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 2 } },
          }),
        },
      }),
    );
    expectValidRecord(r);
    expect(r.type).toBe("LLM");
    expect(r.llm).toEqual({
      requestModel: "gpt-4o",
      model: "gpt-4o",
      streaming: false,
      parameters: { temperature: 0.5, maxTokens: 30, response_format: { type: "text" } },
      systemInstructions: [{ type: "text", content: "be brief" }],
      inputMessages: [
        { role: "system", parts: [{ type: "text", content: "be brief" }] },
        { role: "user", parts: [{ type: "text", content: "hi" }] },
      ],
      outputMessages: [{ role: "assistant", parts: [{ type: "text", content: "hello" }] }],
      toolDefinitions: [{ type: "function", name: "f", parameters: { type: "object" } }],
    });
    expect(r.usage).toEqual({ inputTokens: 20, outputTokens: 5, totalTokens: 25, cacheReadTokens: 8, reasoningTokens: 2, aggregate: false });
    expect(r.tags).toEqual(["llm", "prod"]);
    expect(r.conventions).toEqual(["logfire"]);
    expect(r.sources).toMatchObject({ type: "rule:span-name", "llm.requestModel": "request_data#model", "usage.inputTokens": "response_data#usage", "llm.parameters.maxTokens": "request_data#max_completion_tokens" });
    expect(r.extras).toEqual({
      "logfire.span_type": "span",
      "logfire.msg": "Chat Completion with 'gpt-4o'",
      "logfire.msg_template": "Chat Completion with {request_data[model]!r}",
      async: false,
    });
  });

  it("reads Anthropic response_data (exclusive cache counts, stop_reason, content blocks)", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "Message with {request_data[model]!r}",
        attributes: {
          "logfire.span_type": "span",
          request_data: j({ model: "claude-x", system: "be brief", messages: [{ role: "user", content: "weather?" }], max_tokens: 100 }),
          response_data: j({
            message: { id: "msg_1", type: "message", role: "assistant", model: "claude-x-2026", stop_reason: "tool_use", content: [{ type: "text", text: "checking" }, { type: "tool_use", id: "tu1", name: "get_weather", input: { city: "Paris" } }] },
            usage: { input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 30, cache_creation_input_tokens: 5 },
          }),
        },
      }),
    );
    expect(r.type).toBe("LLM");
    expect(r.sources.type).toBe("rule:model-fallback");
    expect(r.llm?.systemInstructions).toEqual([{ type: "text", content: "be brief" }]);
    expect(r.llm?.outputMessages).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "checking" }, { type: "tool_call", id: "tu1", name: "get_weather", arguments: { city: "Paris" } }], finish_reason: "tool_call" },
    ]);
    expect(r.llm?.responseModel).toBe("claude-x-2026");
    expect(r.llm?.finishReasons).toEqual(["tool_call"]);
    expect(r.usage).toEqual({ inputTokens: 45, outputTokens: 7, totalTokens: 52, cacheReadTokens: 30, cacheWriteTokens: 5, aggregate: false });
  });

  it("reads the streamed-response log as the LLM output and marks it streaming", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "streaming response from {request_data[model]!r} took {duration:.2f}s",
        attributes: {
          "logfire.span_type": "log",
          "logfire.msg": "streaming response from 'gpt-4o' took 0.52s",
          request_data: j({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true }),
          response_data: j({ combined_chunk_content: "hello there", chunk_count: 3 }),
          duration: 0.52,
        },
      }),
    );
    expect(r.type).toBe("LLM");
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: "hello there" }] }]);
  });

  it("reads old-style events arrays: role events as input, gen_ai.choice as output", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "chat gpt-4o",
        attributes: {
          "gen_ai.operation.name": "chat",
          "logfire.span_type": "span",
          events: j([
            { "event.name": "gen_ai.system.message", role: "system", content: "sys" },
            { "event.name": "gen_ai.user.message", role: "user", content: "hi" },
            { "event.name": "gen_ai.assistant.message", role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
            { "event.name": "gen_ai.tool.message", role: "tool", id: "c1", content: "42", name: "f" },
            { "event.name": "gen_ai.choice", index: 0, message: { role: "assistant", content: "the answer is 42" } },
          ]),
        },
      }),
    );
    expect(r.llm?.inputMessages).toEqual([
      { role: "system", parts: [{ type: "text", content: "sys" }] },
      { role: "user", parts: [{ type: "text", content: "hi" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "f", arguments: {} }] },
      { role: "tool", name: "f", parts: [{ type: "tool_call_response", id: "c1", response: "42" }] },
    ]);
    expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: "the answer is 42" }] }]);
    expect(r.sources["llm.outputMessages"]).toBe("events#gen_ai.choice");
    expect(r.extras).toEqual({ "logfire.span_type": "span" });
  });

  it("reads a pydantic-ai agent run: aggregate usage, messages, final result, model, cost", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "invoke_agent weather_agent",
        scope: "pydantic-ai",
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "weather_agent",
          agent_name: "weather_agent",
          "gen_ai.agent.call.id": "run-1",
          "gen_ai.conversation.id": "",
          model_name: "gpt-4o",
          "logfire.msg": "weather_agent run",
          "pydantic_ai.all_messages": j([
            { role: "user", parts: [{ type: "text", content: "weather in Paris?" }] },
            { role: "assistant", parts: [{ type: "text", content: "sunny" }], finish_reason: "stop" },
          ]),
          final_result: j({ city: "Paris", weather: "sunny" }),
          "gen_ai.aggregated_usage.input_tokens": 50,
          "gen_ai.aggregated_usage.output_tokens": 10,
        },
      }),
    );
    expectValidRecord(r);
    expect(r.type).toBe("AGENT");
    expect(r.agent).toEqual({ name: "weather_agent", id: "run-1" });
    expect(r.llm).toEqual({
      operation: "invoke_agent",
      requestModel: "gpt-4o",
      model: "gpt-4o",
      inputMessages: [
        { role: "user", parts: [{ type: "text", content: "weather in Paris?" }] },
        { role: "assistant", parts: [{ type: "text", content: "sunny" }], finish_reason: "stop" },
      ],
      outputMessages: [{ role: "assistant", parts: [{ type: "text", content: '{"city":"Paris","weather":"sunny"}' }] }],
    });
    expect(r.output).toEqual({ city: "Paris", weather: "sunny" });
    expect(r.usage).toEqual({ inputTokens: 50, outputTokens: 10, totalTokens: 60, aggregate: true });
    expect(r.conversationId).toBeUndefined();
    expect(r.sources["llm.requestModel"]).toBe("model_name");
    // agent_name carries the same name as gen_ai.agent.name (consumed); the message template is not modeled.
    expect(r.extras).toEqual({ "gen_ai.conversation.id": "", "logfire.msg": "weather_agent run" });
  });

  it("reads a pydantic-ai model request: cost, tool definitions, request parameters", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "chat gpt-4o",
        kind: SpanKind.CLIENT,
        scope: "pydantic-ai",
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "gpt-4o",
          "operation.cost": 0.0042,
          model_request_parameters: j({
            function_tools: [{ name: "get_weather", description: "Weather", parameters_json_schema: { type: "object" }, strict: null, kind: "function" }],
            output_tools: [],
            allow_text_output: true,
            output_mode: "text",
            builtin_tools: [],
          }),
          "gen_ai.client.operation.time_to_first_chunk": 0.2,
        },
      }),
    );
    expect(r.cost).toEqual({ totalUsd: 0.0042 });
    expect(r.llm?.toolDefinitions).toEqual([{ type: "function", name: "get_weather", description: "Weather", parameters: { type: "object" } }]);
    expect(r.llm?.parameters).toEqual({ allow_text_output: true, output_mode: "text", builtin_tools: [] });
    expect(r.llm?.streaming).toBe(true);
    expect(r.llm?.timeToFirstTokenMs).toBe(200);
    expect(r.extras).toEqual({});
  });

  it("reads pydantic-ai v2 tool spans (tool_arguments / tool_response, running tool)", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "running tool",
        scope: "pydantic-ai",
        attributes: { "logfire.msg": "running tool: get_weather", tool_arguments: '{"city":"Paris"}', tool_response: "sunny", "gen_ai.tool.call.id": "call_1" },
      }),
    );
    expect(r.type).toBe("TOOL");
    expect(r.tool).toEqual({ name: "get_weather", callId: "call_1", arguments: { city: "Paris" }, result: "sunny" });
    expect(r.sources["tool.name"]).toBe("rule:span-name");
  });

  it("recognizes placeholder spans, marks them, and raises error-level logs", () => {
    const attrs = { "logfire.span_type": "pending_span", "logfire.pending_parent_id": "abc", "logfire.msg": "work" };
    const span = makeSpan({ name: "work", attributes: attrs });
    expect(isPlaceholderSpan(span.attributes)).toBe(true);
    expect(isPlaceholderSpan(new SpanView(span))).toBe(true);
    expect(isPlaceholderSpan(span as unknown as Record<string, unknown>)).toBe(true);
    expect(isPlaceholderSpan({ "logfire.span_type": "span" })).toBe(false);
    expect(isPlaceholderSpan(null)).toBe(false);
    const hostile = new Proxy({}, { get: () => { throw new Error("boom"); } });
    expect(isPlaceholderSpan(hostile)).toBe(false);
    const r = toCanonicalSpan(span);
    expect(r.metadata).toEqual({ "logfire.span_type": "pending_span" });
    expect(r.extras["logfire.span_type"]).toBe("pending_span");

    const err = toCanonicalSpan(makeSpan({ name: "failed", attributes: { "logfire.span_type": "log", "logfire.level_num": 17, "logfire.msg": "payment failed" } }));
    expect(err.status).toEqual({ code: "ERROR", message: "payment failed" });
    expect(err.error).toEqual({ message: "payment failed" });
    const info = toCanonicalSpan(makeSpan({ name: "ok", attributes: { "logfire.span_type": "log", "logfire.level_num": 9 } }));
    expect(info.status.code).toBe("UNSET");
  });

  it("reads Responses-API request_data input and instructions", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "Responses API with {request_data[model]!r}",
        attributes: {
          "gen_ai.operation.name": "chat",
          request_data: j({
            model: "gpt-4.1",
            instructions: "be brief",
            input: [
              { role: "user", content: "hi" },
              { type: "function_call", call_id: "c1", name: "f", arguments: '{"a":1}' },
              { type: "function_call_output", call_id: "c1", output: "done" },
            ],
          }),
        },
      }),
    );
    expect(r.llm?.systemInstructions).toEqual([{ type: "text", content: "be brief" }]);
    expect(r.llm?.inputMessages).toEqual([
      { role: "user", parts: [{ type: "text", content: "hi" }] },
      { role: "assistant", parts: [{ type: "tool_call", name: "f", id: "c1", arguments: { a: 1 } }] },
      { role: "tool", parts: [{ type: "tool_call_response", response: "done", id: "c1" }] },
    ]);
  });
});
