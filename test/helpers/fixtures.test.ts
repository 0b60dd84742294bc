/**
 * The captured fixtures load into spans `toCanonicalSpan` accepts, hold the spans each
 * instrumentation really produced, and the mock LLM server answers with its documented values.
 */
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { listFixtures, loadFixture, logEventsFor, readFixtureFile } from "./fixtures";
import { MOCK, startMockLlm, type MockLlm } from "./mock-llm";

/** Span names of every fixture, in end order (what `npm run capture:fixtures` produced). */
const EXPECTED_SPAN_NAMES: Record<string, string[]> = {
  "ai-sdk-6/chat": ["ai.generateText.doGenerate", "ai.generateText"],
  "ai-sdk-6/embeddings": ["ai.embed.doEmbed", "ai.embed"],
  "ai-sdk-6/error": ["ai.generateText.doGenerate", "ai.generateText"],
  "ai-sdk-6/stream": ["ai.streamText.doStream", "ai.streamText"],
  "ai-sdk-6/tool": ["ai.generateText.doGenerate", "ai.toolCall", "ai.generateText.doGenerate", "ai.generateText"],
  "ai-sdk-7/chat": ["chat gpt-4o-mini", "step 1", "invoke_agent gpt-4o-mini"],
  "ai-sdk-7/embeddings": ["embeddings text-embedding-3-small", "embeddings text-embedding-3-small"],
  "ai-sdk-7/error": ["chat fail-model", "step 1", "invoke_agent fail-model"],
  "ai-sdk-7/stream": ["chat gpt-4o-mini", "step 1", "invoke_agent gpt-4o-mini"],
  "ai-sdk-7/tool": ["chat gpt-4o-mini", "execute_tool get_weather", "step 1", "chat gpt-4o-mini", "step 2", "invoke_agent gpt-4o-mini"],
  "ai-sdk-7-legacy/chat": ["ai.generateText.doGenerate", "ai.generateText"],
  "ai-sdk-7-legacy/embeddings": ["ai.embed.doEmbed", "ai.embed"],
  "ai-sdk-7-legacy/error": ["ai.generateText.doGenerate", "ai.generateText"],
  "ai-sdk-7-legacy/stream": ["ai.streamText.doStream", "ai.streamText"],
  "ai-sdk-7-legacy/tool": ["ai.toolCall", "ai.generateText.doGenerate", "ai.generateText.doGenerate", "ai.generateText"],
  "langfuse/chat": ["chat-completion"],
  "langfuse/embeddings": ["embed-query"],
  "langfuse/error": ["failing-call", "failing-agent"],
  "langfuse/stream": ["streamed-completion"],
  "langfuse/tool": ["plan", "get_weather", "answer", "weather-agent"],
  "openinference-openai/chat": ["OpenAI Chat Completions"],
  "openinference-openai/embeddings": ["OpenAI Embeddings"],
  // OpenInference leaves the span of a rejected call open: it is never exported.
  "openinference-openai/error": [],
  "openinference-openai/stream": ["OpenAI Chat Completions"],
  "openinference-openai/tool": ["OpenAI Chat Completions", "OpenAI Chat Completions"],
  "openllmetry-openai/chat": ["chat gpt-4o-mini"],
  // Same for OpenLLMetry; it does not instrument embeddings at all (no fixture).
  "openllmetry-openai/error": [],
  "openllmetry-openai/stream": ["chat gpt-4o-mini"],
  "openllmetry-openai/tool": ["chat gpt-4o-mini", "chat gpt-4o-mini"],
  "otel-openai/chat": ["chat gpt-4o-mini"],
  "otel-openai/embeddings": ["embeddings text-embedding-3-small"],
  "otel-openai/error": ["chat fail-model"],
  "otel-openai/stream": ["chat gpt-4o-mini"],
  "otel-openai/tool": ["chat gpt-4o-mini", "chat gpt-4o-mini"],
};

const ALL = listFixtures().map((f) => [`${f.instrumentation}/${f.scenario}`, f.instrumentation, f.scenario] as const);

describe("captured fixtures", () => {
  test("exactly the expected fixtures exist", () => {
    expect(ALL.map(([id]) => id).sort()).toEqual(Object.keys(EXPECTED_SPAN_NAMES).sort());
  });

  test.each(ALL)("%s loads with the expected spans", (id, instrumentation, scenario) => {
    const fx = loadFixture(instrumentation, scenario);
    expect(fx.file.instrumentation).toBe(instrumentation);
    expect(fx.file.scenario).toBe(scenario);
    expect(fx.file.package).toMatch(/^@?[a-z0-9./-]+@\d+\.\d+\.\d+/);
    expect(fx.spans.map((s) => s.name)).toEqual(EXPECTED_SPAN_NAMES[id]);
    if (fx.spans.length === 0) expect(fx.notes.join(" ")).toMatch(/no span/);

    const ids = new Set(fx.spans.map((s) => s.spanContext().spanId));
    for (const span of fx.spans) {
      const ctx = span.spanContext();
      expect(ctx.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(ctx.spanId).toMatch(/^[0-9a-f]{16}$/);
      // Every parent is another span of the same capture, in the same trace.
      if (span.parentSpanContext) {
        expect(ids.has(span.parentSpanContext.spanId)).toBe(true);
        expect(span.parentSpanContext.traceId).toBe(ctx.traceId);
      }
      expect(span.startTime).toHaveLength(2);
      expect(span.endTime[0] * 1e9 + span.endTime[1]).toBeGreaterThanOrEqual(span.startTime[0] * 1e9 + span.startTime[1]);
      expect(span.resource.attributes["service.name"]).toBe("canonspan-capture");
      expect(span.instrumentationScope.name).not.toBe("");
      expect(Object.isFrozen(span.attributes)).toBe(true);

      const record = toCanonicalSpan(span, { logEvents: logEventsFor(fx, span) });
      expect(record.traceId).toBe(ctx.traceId);
      expect(record.spanId).toBe(ctx.spanId);
      expect(record.parentId).toBe(span.parentSpanContext?.spanId ?? null);
      expect(record.name).toBe(span.name);
      expect(record.dropped.errors?.["*"]).toBeUndefined();
    }
  });

  test("attribute values keep their produced types", () => {
    const [span] = loadFixture("otel-openai", "chat").spans;
    expect(span?.attributes["gen_ai.usage.input_tokens"]).toBe(MOCK.usage.prompt_tokens);
    expect(span?.attributes["gen_ai.response.finish_reasons"]).toEqual([MOCK.finishReason]);
    const gen = loadFixture("langfuse", "chat").spans[0];
    // Langfuse stores usage as a JSON string; it must stay a string.
    expect(typeof gen?.attributes["langfuse.observation.usage_details"]).toBe("string");
    const sdk6 = loadFixture("ai-sdk-6", "chat").spans.find((s) => s.name === "ai.generateText");
    expect(sdk6?.attributes["ai.telemetry.metadata.tags"]).toEqual(["capture", "ai-sdk-6"]);
  });

  test("official instrumentation log records tie to their span and become events", () => {
    const fx = loadFixture("otel-openai", "chat");
    const [span] = fx.spans;
    if (!span) throw new Error("no span");
    const events = logEventsFor(fx, span);
    expect(events.map((e) => e.name)).toEqual(["gen_ai.system.message", "gen_ai.user.message", "gen_ai.choice"]);
    expect(events[2]?.body).toEqual({ finish_reason: MOCK.finishReason, index: 0, message: { content: MOCK.text } });
    expect(loadFixture("otel-openai", "tool").logs.every((l) => l.spanId !== null && l.hrTime.length === 2)).toBe(true);
  });

  test("revived spans cannot be mutated", () => {
    const [span] = loadFixture("openinference-openai", "chat").spans;
    expect(() => {
      (span?.attributes as Record<string, unknown>)["llm.model_name"] = "x";
    }).toThrow(TypeError);
    expect(() => (span?.events as unknown[]).push({})).toThrow(TypeError);
  });

  test("names that could leave the fixture folder are refused", () => {
    expect(() => readFixtureFile("..", "package")).toThrow(/invalid fixture instrumentation/);
    expect(() => readFixtureFile("otel-openai", "../../../package")).toThrow(/invalid fixture scenario/);
    expect(() => loadFixture("otel-openai", "no-such-scenario")).toThrow(/ENOENT/);
  });
});

async function post(mock: MockLlm, path: string, body: unknown): Promise<Response> {
  return fetch(`${mock.baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The JSON payloads of an SSE body, without the final `[DONE]`. */
function sseData(text: string): Array<Record<string, any>> {
  const lines = text.split("\n\n").filter((l) => l.startsWith("data: "));
  expect(lines.at(-1)).toBe("data: [DONE]");
  return lines.slice(0, -1).map((l) => JSON.parse(l.slice("data: ".length)));
}

describe("mock LLM server", () => {
  let mock: MockLlm;
  beforeAll(async () => {
    mock = await startMockLlm();
  });
  afterAll(async () => {
    await mock.close();
  });

  test("listens on 127.0.0.1 with an ephemeral port", () => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.port).toBeGreaterThan(0);
  });

  test("chat completion: fixed id, model mapping, text and usage", async () => {
    const res = await post(mock, "/chat/completions", { model: MOCK.chatModel, messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(MOCK.requestId);
    const body = (await res.json()) as Record<string, any>;
    expect(body.id).toBe(MOCK.chatId);
    expect(body.model).toBe(MOCK.responseModel);
    expect(body.choices[0].message.content).toBe(MOCK.text);
    expect(body.choices[0].finish_reason).toBe(MOCK.finishReason);
    expect(body.usage).toEqual(MOCK.usage);
    expect(MOCK.usage.prompt_tokens + MOCK.usage.completion_tokens).toBe(MOCK.usage.total_tokens);
    expect(mock.requests.at(-1)).toMatchObject({ method: "POST", path: "/v1/chat/completions", body: { model: MOCK.chatModel } });
  });

  test("other models are echoed back", async () => {
    const body = (await (await post(mock, "/chat/completions", { model: "some-model", messages: [] })).json()) as Record<string, any>;
    expect(body.model).toBe("some-model");
  });

  test("streaming: text deltas, then a usage chunk only when include_usage is set", async () => {
    const withUsage = sseData(await (await post(mock, "/chat/completions", { model: MOCK.chatModel, messages: [], stream: true, stream_options: { include_usage: true } })).text());
    const text = withUsage.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(text).toBe(MOCK.text);
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: MOCK.usage });
    expect(withUsage.filter((c) => c.choices[0]?.finish_reason === MOCK.finishReason)).toHaveLength(1);

    const without = sseData(await (await post(mock, "/chat/completions", { model: MOCK.chatModel, messages: [], stream: true })).text());
    expect(without.some((c) => "usage" in c)).toBe(false);
  });

  test("tools: a tool call first, the final text once a tool result is in the history", async () => {
    const tools = [{ type: "function", function: { name: MOCK.tool.name, parameters: { type: "object" } } }];
    const first = (await (await post(mock, "/chat/completions", { model: MOCK.chatModel, tools, messages: [{ role: "user", content: "weather?" }] })).json()) as Record<string, any>;
    expect(first.choices[0].finish_reason).toBe(MOCK.tool.finishReason);
    expect(first.choices[0].message.tool_calls).toEqual([
      { id: MOCK.tool.callId, type: "function", function: { name: MOCK.tool.name, arguments: MOCK.tool.arguments } },
    ]);
    const messages = [
      { role: "user", content: "weather?" },
      first.choices[0].message,
      { role: "tool", tool_call_id: MOCK.tool.callId, content: "{}" },
    ];
    const second = (await (await post(mock, "/chat/completions", { model: MOCK.chatModel, tools, messages })).json()) as Record<string, any>;
    expect(second.choices[0].message.content).toBe(MOCK.toolFollowUpText);
    expect(second.choices[0].finish_reason).toBe(MOCK.finishReason);

    const streamed = sseData(await (await post(mock, "/chat/completions", { model: MOCK.chatModel, tools, messages: messages.slice(0, 1), stream: true })).text());
    const args = streamed.map((c) => c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? "").join("");
    expect(args).toBe(MOCK.tool.arguments);
  });

  test("embeddings: floats, or base64 float32 that decodes to the same vector", async () => {
    const floats = (await (await post(mock, "/embeddings", { model: MOCK.embeddings.model, input: ["a", "b"] })).json()) as Record<string, any>;
    expect(floats.model).toBe(MOCK.embeddings.model);
    expect(floats.usage).toEqual(MOCK.embeddings.usage);
    expect(floats.data.map((d: any) => d.embedding)).toEqual([MOCK.embeddings.vector, MOCK.embeddings.vector]);

    const b64 = (await (await post(mock, "/embeddings", { model: MOCK.embeddings.model, input: "a", encoding_format: "base64" })).json()) as Record<string, any>;
    const buf = Buffer.from(b64.data[0].embedding, "base64");
    expect(Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4))).toEqual(MOCK.embeddings.vector);
  });

  test("the fail model answers HTTP 500 with an OpenAI-style error", async () => {
    for (const path of ["/chat/completions", "/embeddings"]) {
      const res = await post(mock, path, { model: MOCK.failModel, messages: [], input: "x" });
      expect(res.status).toBe(MOCK.error.status);
      expect(await res.json()).toEqual(MOCK.error.body);
    }
  });

  test("unknown routes answer 404 and bad JSON 400, both OpenAI-style", async () => {
    const notFound = await post(mock, "/responses", { model: MOCK.chatModel });
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as any).error.code).toBe("not_found");
    const bad = await post(mock, "/chat/completions", "{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.type).toBe("invalid_request_error");
  });

  test("the real openai client reads the fixed values (base64 embeddings decoded)", async () => {
    const { OpenAI } = await import("openai");
    const client = new OpenAI({ baseURL: mock.baseURL, apiKey: "sk-test", maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: MOCK.chatModel, messages: [{ role: "user", content: "hi" }] });
    expect(chat.choices[0]?.message.content).toBe(MOCK.text);
    expect(chat.usage?.prompt_tokens_details?.cached_tokens).toBe(MOCK.usage.prompt_tokens_details.cached_tokens);
    const emb = await client.embeddings.create({ model: MOCK.embeddings.model, input: "x" });
    expect(emb.data[0]?.embedding).toEqual(MOCK.embeddings.vector);
    await expect(client.chat.completions.create({ model: MOCK.failModel, messages: [] })).rejects.toMatchObject({ status: MOCK.error.status });
  });
});
