import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { OtlpInterner, isoToHrTime, providerToSemconv, recordAttributes, toAttributeValue, toOtlpSpan } from "../../src/sinks/otlp-span";
import { makeSpan } from "../helpers/spans";

function llmRecord(): CanonicalSpan {
  const r = toCanonicalSpan(makeSpan({ name: "chat gpt-4o", kind: SpanKind.CLIENT }));
  r.type = "LLM";
  r.llm = {
    operation: "chat",
    provider: "azure_openai",
    model: "gpt-4o-2024-08-06",
    requestModel: "gpt-4o",
    responseModel: "gpt-4o-2024-08-06",
    streaming: true,
    timeToFirstTokenMs: 250,
    parameters: { temperature: 0.5, maxTokens: 100, topP: 1, stop: ["x"], seed: 7, n: 2, reasoningEffort: "low", responseFormat: "json" },
    systemInstructions: [{ type: "text", content: "be brief" }],
    inputMessages: [{ role: "user", parts: [{ type: "text", content: "hi" }] }],
    outputMessages: [{ role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" }],
    toolDefinitions: [{ type: "function", name: "f" }],
    finishReasons: ["stop"],
    responseId: "chatcmpl-1",
  };
  r.usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadTokens: 3, cacheWriteTokens: 2, reasoningTokens: 1, aggregate: false };
  r.cost = { totalUsd: 0.01 };
  r.sessionId = "s1";
  r.userId = "u1";
  r.conversationId = "c1";
  r.tags = ["a", "b"];
  r.metadata = { team: "x" };
  r.sequenceId = 4;
  r.rolloutId = "ro";
  r.attemptId = "at";
  r.conventions = ["openinference"];
  r.sources = { "usage.inputTokens": "llm.token_count.prompt" };
  return r;
}

describe("providerToSemconv", () => {
  it.each([
    ["aws_bedrock", "aws.bedrock"],
    ["azure_openai", "azure.ai.openai"],
    ["azure_ai_inference", "azure.ai.inference"],
    ["google_gemini", "gcp.gemini"],
    ["google_vertex", "gcp.vertex_ai"],
    ["mistral", "mistral_ai"],
    ["xai", "x_ai"],
    ["watsonx", "ibm.watsonx.ai"],
    ["openai", "openai"],
    ["groq", "groq"],
    ["toString", "toString"],
  ])("%s → %s", (canonical, semconv) => {
    expect(providerToSemconv(canonical)).toBe(semconv);
  });
});

describe("isoToHrTime", () => {
  it("keeps microseconds exactly", () => {
    expect(isoToHrTime("2023-11-14T22:13:20.123456Z")).toEqual([1700000000, 123456000]);
    expect(isoToHrTime("2023-11-14T22:13:21.000001Z")).toEqual([1700000001, 1000]);
    expect(isoToHrTime("2023-11-14T22:13:21Z")).toEqual([1700000001, 0]);
  });

  it("round-trips the converter's times", () => {
    const span = { ...makeSpan(), startTime: [1700000000, 987654321] as [number, number], endTime: [1700000002, 5000] as [number, number] };
    const r = toCanonicalSpan(span as never);
    expect(isoToHrTime(r.startTime)).toEqual([1700000000, 987654000]);
    expect(isoToHrTime(r.endTime)).toEqual([1700000002, 5000]);
  });

  it("maps garbage to the epoch instead of throwing", () => {
    expect(isoToHrTime("yesterday")).toEqual([0, 0]);
    expect(isoToHrTime("2023-13-45T99:99:99Z")).toEqual([0, 0]);
  });

  it("stays exact when consecutive times alternate between seconds (it remembers the last second parsed)", () => {
    const times = ["2023-11-14T22:13:20.5Z", "2023-11-14T22:13:21.5Z", "2023-11-14T22:13:20.25Z", "2023-13-45T99:99:99Z", "2023-11-14T22:13:20Z", "1970-01-01T00:00:00.000001Z"];
    expect(times.map(isoToHrTime)).toEqual([[1700000000, 500000000], [1700000001, 500000000], [1700000000, 250000000], [0, 0], [1700000000, 0], [0, 1000]]);
  });
});

describe("toAttributeValue", () => {
  it("keeps primitives and homogeneous arrays, encodes the rest as JSON, drops null", () => {
    expect(toAttributeValue("s")).toBe("s");
    expect(toAttributeValue(3)).toBe(3);
    expect(toAttributeValue(false)).toBe(false);
    expect(toAttributeValue(["a", "b"])).toEqual(["a", "b"]);
    expect(toAttributeValue([1, "a"])).toBe('[1,"a"]');
    expect(toAttributeValue({ a: [1] })).toBe('{"a":[1]}');
    expect(toAttributeValue(null)).toBeUndefined();
  });
});

describe("recordAttributes", () => {
  it("writes the current GenAI semconv keys for every modeled LLM field", () => {
    const a = recordAttributes(llmRecord());
    expect(a).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "azure.ai.openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.max_tokens": 100,
      "gen_ai.request.top_p": 1,
      "gen_ai.request.stop_sequences": ["x"],
      "gen_ai.request.seed": 7,
      "gen_ai.request.choice.count": 2,
      "gen_ai.request.reasoning_effort": "low",
      "gen_ai.request.response_format": "json",
      "gen_ai.request.stream": true,
      "gen_ai.response.time_to_first_chunk": 0.25,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
      "gen_ai.usage.cache_read.input_tokens": 3,
      "gen_ai.usage.cache_creation.input_tokens": 2,
      "gen_ai.usage.reasoning.output_tokens": 1,
      "canonspan.usage.total_tokens": 15,
      "canonspan.usage.aggregate": false,
      "canonspan.cost.total_usd": 0.01,
      "gen_ai.conversation.id": "c1",
      "session.id": "s1",
      "user.id": "u1",
      "canonspan.type": "LLM",
      "canonspan.schema": "canonspan/v1",
      "canonspan.sequence_id": 4,
      "canonspan.rollout_id": "ro",
      "canonspan.attempt_id": "at",
      "canonspan.tags": ["a", "b"],
      "canonspan.conventions": ["openinference"],
    });
    expect(JSON.parse(a["gen_ai.input.messages"] as string)).toEqual([{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    expect(JSON.parse(a["gen_ai.output.messages"] as string)[0].finish_reason).toBe("stop");
    expect(JSON.parse(a["gen_ai.system_instructions"] as string)).toEqual([{ type: "text", content: "be brief" }]);
    expect(JSON.parse(a["gen_ai.tool.definitions"] as string)).toEqual([{ type: "function", name: "f" }]);
    expect(JSON.parse(a["canonspan.metadata"] as string)).toEqual({ team: "x" });
    expect(JSON.parse(a["canonspan.sources"] as string)).toEqual({ "usage.inputTokens": "llm.token_count.prompt" });
  });

  it("omits gen_ai.request.stream for non-streaming calls and uses the model when no request model is known", () => {
    const r = llmRecord();
    r.llm = { operation: "chat", model: "m", streaming: false, parameters: { stream: false } };
    const a = recordAttributes(r);
    expect("gen_ai.request.stream" in a).toBe(false);
    expect(a["gen_ai.request.model"]).toBe("m");
    expect("gen_ai.response.model" in a).toBe(false);
  });

  it("maps tool, agent, retrieval, error and I/O fields", () => {
    const r = toCanonicalSpan(makeSpan({ name: "t", status: { code: SpanStatusCode.ERROR, message: "bad" } }));
    r.type = "TOOL";
    r.tool = { name: "search", callId: "call_1", arguments: { q: "x" }, result: "found", description: "d", type: "function" };
    r.agent = { name: "A", id: "a1", description: "desc", version: "2" };
    r.retrieval = { query: "q", documents: [{ id: "d1", score: 0.9 }] };
    r.error = { type: "ValueError", message: "boom" };
    r.input = { x: 1 };
    r.output = "plain";
    const a = recordAttributes(r);
    expect(a).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "search",
      "gen_ai.tool.call.id": "call_1",
      "gen_ai.tool.call.arguments": '{"q":"x"}',
      "gen_ai.tool.call.result": "found",
      "gen_ai.tool.description": "d",
      "gen_ai.tool.type": "function",
      "gen_ai.agent.name": "A",
      "gen_ai.agent.id": "a1",
      "gen_ai.agent.description": "desc",
      "gen_ai.agent.version": "2",
      "gen_ai.retrieval.query.text": "q",
      "gen_ai.retrieval.documents": '[{"id":"d1","score":0.9}]',
      "error.type": "ValueError",
      "canonspan.error.message": "boom",
      "canonspan.input": '{"x":1}',
      "canonspan.output": "plain",
    });
  });

  it("keeps extras as-is but never lets them overwrite a mapped key", () => {
    const r = llmRecord();
    r.extras = { "gen_ai.request.model": "spoof", "canonspan.type": "OTHER", custom: 1, list: [1, 2], obj: { a: 1 }, toString: "plain", nothing: null };
    const a = recordAttributes(r);
    expect(a["gen_ai.request.model"]).toBe("gpt-4o");
    expect(a["canonspan.type"]).toBe("LLM");
    expect(a.custom).toBe(1);
    expect(a.list).toEqual([1, 2]);
    expect(a.obj).toBe('{"a":1}');
    expect(a.toString).toBe("plain");
    expect("nothing" in a).toBe(false);
  });
});

describe("toOtlpSpan", () => {
  it("keeps ids, parent, kind, times, status, events, links, resource and scope", () => {
    const parent = makeSpan({ name: "p" });
    const link = makeSpan({ name: "l" }).spanContext();
    const src = makeSpan({
      name: "child",
      kind: SpanKind.PRODUCER,
      events: [{ name: "ev", attributes: { k: "v" } }],
      links: [{ context: link, attributes: { lk: 1 } }],
      status: { code: SpanStatusCode.ERROR, message: "nope" },
      resource: { "deployment.environment.name": "dev" },
      scope: "my-scope",
    });
    const r = toCanonicalSpan({ ...src, spanContext: () => src.spanContext(), parentSpanContext: parent.spanContext() } as never);
    const s = toOtlpSpan(r, new OtlpInterner());
    expect(s.spanContext()).toMatchObject({ traceId: r.traceId, spanId: r.spanId });
    expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(s.kind).toBe(SpanKind.PRODUCER);
    expect(s.startTime).toEqual(isoToHrTime(r.startTime));
    expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: "nope" });
    expect(s.events).toEqual([{ name: "ev", time: isoToHrTime(r.events[0]!.time), attributes: { k: "v" }, droppedAttributesCount: 0 }]);
    expect(s.links[0]).toMatchObject({ context: { traceId: link.traceId, spanId: link.spanId }, attributes: { lk: 1 } });
    expect(s.resource.attributes["deployment.environment.name"]).toBe("dev");
    expect(s.instrumentationScope).toEqual({ name: "my-scope", version: "1.2.3", schemaUrl: undefined });
  });

  it("shares one resource and scope object per distinct value (the serializers group by identity)", () => {
    const a = toCanonicalSpan(makeSpan({ resource: { r: 1 } }));
    const b = toCanonicalSpan(makeSpan({ resource: { r: 1 } }));
    const c = toCanonicalSpan(makeSpan({ resource: { r: 2 }, scope: "other" }));
    const i = new OtlpInterner();
    const [sa, sb, sc] = [a, b, c].map((r) => toOtlpSpan(r, i));
    expect(sa!.resource).toBe(sb!.resource);
    expect(sa!.instrumentationScope).toBe(sb!.instrumentationScope);
    expect(sa!.resource).not.toBe(sc!.resource);
    expect(sa!.instrumentationScope).not.toBe(sc!.instrumentationScope);
  });

  it("a root span has no parent", () => {
    const s = toOtlpSpan(toCanonicalSpan(makeSpan()), new OtlpInterner());
    expect(s.parentSpanContext).toBeUndefined();
  });
});
