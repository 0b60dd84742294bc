import { SpanStatusCode } from "@opentelemetry/api";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan, JsonValue } from "../../src/model/record";
import { CONTENT_REMOVED_KEY, createRedactor, MASK_FAILED, type MaskFn } from "../../src/processor/redact";
import { encodeRecord } from "../../src/serialize/jsonl";
import { recordAttributes } from "../../src/sinks/otlp-span";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

const KEY = "sk-proj-Ab3dEf0123456789xyzXYZ0123abcdEFGH";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

/** A real converted record carrying content of every kind; `canary` marks each content value. */
function contentRecord(canary = "CANARY"): CanonicalSpan {
  const r = toCanonicalSpan(
    makeSpan({
      name: "chat gpt-4o",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 7,
        "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: `${canary}-system` }]),
        "gen_ai.input.messages": JSON.stringify([
          { role: "user", parts: [{ type: "text", content: `${canary}-user` }] },
          { role: "tool", parts: [{ type: "tool_call_response", id: "c0", response: { temp: `${canary}-toolresp` } }] },
        ]),
        "gen_ai.output.messages": JSON.stringify([
          {
            role: "assistant",
            finish_reason: "tool_call",
            parts: [
              { type: "text", content: `${canary}-assistant` },
              { type: "tool_call", id: "c1", name: "get_weather", arguments: { city: `${canary}-args` } },
            ],
          },
        ]),
        "input.value": `${canary}-input`,
        "langfuse.observation.output": `${canary}-lf-output`,
        "ai.response.text": `${canary}-ai-text`,
        "gen_ai.prompt.0.content": `${canary}-legacy-prompt`,
        "gen_ai.prompt.name": "weather-template",
      },
      events: [{ name: "gen_ai.user.message", attributes: { content: `${canary}-event`, role: "user" } }],
    }),
  );
  // Sections a chat span does not derive, set as another convention would have produced them.
  r.output = { answer: `${canary}-output` };
  r.tool = { name: "get_weather", arguments: { q: `${canary}-tool-args` }, result: `${canary}-tool-result` };
  r.retrieval = { query: `${canary}-query`, documents: [{ id: "d1", content: `${canary}-doc`, score: 0.5 }] };
  return r;
}

describe("default secret redaction", () => {
  it("redacts credentials everywhere in a converted record, keeping keys and structure", () => {
    const span = makeSpan({
      name: "GET https://admin:hunter2@api.example.com/v1",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.request.max_tokens": 100,
        "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: `my key is ${KEY}` }] }]),
        "http.request.header.authorization": ["Bearer abcdef123456"],
        "ai.request.headers.x-api-key": "plainkeywithoutanyshape",
        "url.full": "https://u:pw1@host/p?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIAXYZ&page=2",
        "db.password": "hunter3",
        "app.config": JSON.stringify({ client_secret: "cs-999", region: "eu" }),
      },
      events: [{ name: "exception", attributes: { "exception.message": `401 for ${KEY}` } }],
      status: { code: SpanStatusCode.ERROR, message: `auth failed: Bearer ${JWT}` },
      resource: { "service.auth_token": "res-secret-1" },
    });
    const before = JSON.stringify(span.attributes);
    const redactor = createRedactor({});
    const r = redactor(toCanonicalSpan(span));
    const json = JSON.stringify(r);
    for (const s of [KEY, "hunter2", "hunter3", "abcdef123456", "plainkeywithoutanyshape", "deadbeef", "AKIAXYZ", "pw1", JWT, "res-secret-1", "cs-999"]) {
      expect(json).not.toContain(s);
    }
    expect(r.name).toBe("GET https://REDACTED:REDACTED@api.example.com/v1");
    expect(r.extras["http.request.header.authorization"]).toEqual(["[REDACTED]"]);
    expect(r.extras["ai.request.headers.x-api-key"]).toBe("[REDACTED]");
    expect(json).toContain("X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&page=2");
    expect(json).toContain('\\"region\\":\\"eu\\"');
    expect(r.llm?.inputMessages?.[0]?.parts[0]).toEqual({ type: "text", content: "my key is [REDACTED]" });
    expect(r.usage?.inputTokens).toBe(12);
    expect(redactor.stats.secretsRedacted).toBeGreaterThanOrEqual(10);
    expect(JSON.stringify(span.attributes)).toBe(before); // the span is never touched
    expectValidRecord(r);
  });

  it("redacts values of secret-named keys at any depth; numbers only under credential names", () => {
    const r = toCanonicalSpan(makeSpan());
    r.metadata = {
      password: 123456,
      max_token: 5,
      session: { headers: { Cookie: ["a=b", "c=d"], Accept: "json" } },
      credentials: { user: "bob", pin: 42, enabled: true },
    };
    createRedactor({})(r);
    expect(r.metadata).toEqual({
      password: "[REDACTED]",
      max_token: 5,
      session: { headers: { Cookie: ["[REDACTED]", "[REDACTED]"], Accept: "json" } },
      credentials: { user: "[REDACTED]", pin: "[REDACTED]", enabled: true },
    });
  });

  it("does nothing with redact: false", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { "db.password": "hunter2", note: KEY } }));
    createRedactor({ redact: false })(r);
    expect(r.extras).toMatchObject({ "db.password": "hunter2", note: KEY });
  });

  it("is safe on __proto__ keys", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { blob: '{"__proto__":{"password":"x"}}' } }));
    r.metadata = JSON.parse('{"__proto__":{"api_key":"k1"}}') as CanonicalSpan["metadata"];
    createRedactor({})(r);
    expect(({} as Record<string, unknown>).api_key).toBeUndefined();
    expect(JSON.stringify(r.metadata)).toBe('{"__proto__":{"api_key":"[REDACTED]"}}');
  });

  it("adds nothing to a record from a polluted Object.prototype", () => {
    const r = contentRecord();
    const before = encodeRecord(r);
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted_api_key = KEY; // enumerable, so for…in over any record object sees it
    try {
      createRedactor({})(r);
    } finally {
      delete proto.polluted_api_key;
    }
    expect(encodeRecord(r)).toBe(before);
    expect(Object.prototype.hasOwnProperty.call(r, "polluted_api_key")).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(r.extras, "polluted_api_key")).toBe(false);
  });
});

describe("captureContent: false", () => {
  it("removes every kind of content and keeps roles, tool names and token counts", () => {
    const r = contentRecord();
    const redactor = createRedactor({ captureContent: false });
    redactor(r);
    const json = JSON.stringify(r);
    expect(json).not.toContain("CANARY");
    expect(r.llm?.systemInstructions).toBeUndefined();
    expect(r.llm?.inputMessages?.map((m) => m.role)).toEqual(["user", "tool"]);
    expect(r.llm?.outputMessages).toEqual([
      { role: "assistant", finish_reason: "tool_call", parts: [{ type: "tool_call", id: "c1", name: "get_weather" }] },
    ]);
    expect(r.llm?.toolCalls).toEqual([{ id: "c1", name: "get_weather" }]);
    expect(r.llm?.model).toBe("gpt-4o");
    expect(r.usage).toMatchObject({ inputTokens: 12, outputTokens: 7 });
    expect(r.tool).toEqual({ name: "get_weather" });
    expect(r.retrieval).toEqual({ documents: [{ id: "d1", score: 0.5 }] });
    expect(r.extras["gen_ai.prompt.name"]).toBe("weather-template");
    expect(r.events[0]?.attributes).toEqual({ role: "user" });
    const removed = r.extras[CONTENT_REMOVED_KEY] as string[];
    expect(removed).toEqual(
      expect.arrayContaining(["llm.systemInstructions", "llm.inputMessages", "output", "tool.arguments", "retrieval.query", "events[0].attributes.content"]),
    );
    expect(r.sources["llm.inputMessages"]).toBeUndefined();
    expect(redactor.stats.contentRemoved).toBe(1);
    expectValidRecord(r);
  });

  it("marks nothing when there was no content", () => {
    const r = toCanonicalSpan(makeSpan({ attributes: { "http.request.method": "GET" } }));
    createRedactor({ captureContent: false })(r);
    expect(r.extras[CONTENT_REMOVED_KEY]).toBeUndefined();
  });
});

describe("mask", () => {
  const lower: MaskFn = (v) => (typeof v === "string" ? v.toLowerCase() : { masked: true });

  it("sees every content-bearing field of a converted record", () => {
    const paths: string[] = [];
    const r = contentRecord();
    createRedactor({ mask: (v, info) => (paths.push(info.path), lower(v, info)) })(r);
    // The mask lower-cases text: any content it was not shown would still say CANARY.
    expect(JSON.stringify(r)).not.toContain("CANARY");
    expect(paths).toEqual(
      expect.arrayContaining([
        "llm.systemInstructions[0].content",
        "llm.inputMessages[0].parts[0].content",
        "llm.inputMessages[1].parts[0].response",
        "llm.outputMessages[0].parts[0].content",
        "llm.outputMessages[0].parts[1].arguments",
        "llm.toolCalls[0].arguments",
        "input",
        "output",
        "tool.arguments",
        "tool.result",
        "retrieval.query",
        "retrieval.documents[0].content",
        "events[0].attributes.content",
      ]),
    );
    expect(r.llm?.inputMessages?.[0]?.parts[0]).toEqual({ type: "text", content: "canary-user" });
    expect(r.tool?.arguments).toEqual({ masked: true });
    expectValidRecord(r);
  });

  it("sees content attributes no convention modeled, and only those", () => {
    const r = toCanonicalSpan(makeSpan());
    r.extras = {
      "mlflow.spanInputs": '{"q":"CANARY"}',
      "traceloop.entity.output": "CANARY",
      "llm.input_messages.0.message.content": "CANARY",
      "gcp.vertex.agent.llm_request": "CANARY",
      "http.request.method": "GET",
      "gen_ai.prompt.name": "template-a",
    };
    const paths: string[] = [];
    createRedactor({ mask: (v, info) => (paths.push(info.path), lower(v, info)) })(r);
    expect(paths.sort()).toEqual([
      "extras.gcp.vertex.agent.llm_request",
      "extras.llm.input_messages.0.message.content",
      "extras.mlflow.spanInputs",
      "extras.traceloop.entity.output",
    ]);
    expect(r.extras["http.request.method"]).toBe("GET");
    expect(JSON.stringify(r)).not.toContain("CANARY");
  });

  it("fails closed per field when the mask throws, and keeps going", () => {
    const r = contentRecord();
    const redactor = createRedactor({
      mask: (v, info) => {
        if (info.path === "retrieval.query") throw new Error(`cannot mask ${String(v)}`);
        return lower(v, info);
      },
    });
    redactor(r);
    expect(r.retrieval?.query).toBe(MASK_FAILED);
    expect(r.llm?.inputMessages?.[0]?.parts[0]).toEqual({ type: "text", content: "canary-user" });
    expect(JSON.stringify(r)).not.toContain("CANARY");
    expect(redactor.stats.maskFailuresByReason.threw).toBe(1);
    expect(redactor.stats.maskFailures).toBe(1);
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["NaN", NaN],
    ["a function", () => "x"],
    ["a bigint", BigInt(1)],
    ["a symbol", Symbol("s")],
    ["a Date", new Date(0)],
    ["a Map", new Map([["a", 1]])],
    ["a cyclic object", cyclic],
    ["an object nested too deep", JSON.parse("[".repeat(200) + "]".repeat(200))],
  ])("fails closed when the mask returns %s", (_, bad) => {
    const r = contentRecord();
    const redactor = createRedactor({ mask: () => bad as JsonValue });
    redactor(r);
    expect(r.input).toBe(MASK_FAILED);
    expect(r.llm?.inputMessages?.[0]?.parts[0]).toEqual({ type: "text", content: MASK_FAILED });
    expect(JSON.stringify(r)).not.toContain("CANARY");
    expect(redactor.stats.maskFailuresByReason.invalid).toBe(redactor.stats.maskCalls);
  });

  it("fails closed on a Promise and never leaves an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const r = contentRecord();
      createRedactor({ mask: (() => Promise.reject(new Error("async mask"))) as unknown as MaskFn })(r);
      await new Promise((res) => setTimeout(res, 20));
      expect(r.output).toBe(MASK_FAILED);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("requires a string for text fields", () => {
    const r = contentRecord();
    createRedactor({ mask: () => ({ not: "a string" }) })(r);
    expect(r.llm?.systemInstructions?.[0]).toEqual({ type: "text", content: MASK_FAILED });
    expect(r.retrieval?.query).toBe(MASK_FAILED);
    expect(r.tool?.arguments).toEqual({ not: "a string" }); // JSON fields take any JSON
    expectValidRecord(r);
  });

  it("stops calling a mask that ran over its budget, for the rest of the record", () => {
    let calls = 0;
    const slow: MaskFn = () => {
      calls++;
      const t0 = performance.now();
      while (performance.now() - t0 < 40) {
        /* a synchronous mask stuck for 40 ms, 8 times its 5 ms budget */
      }
      return "fine";
    };
    const r = contentRecord();
    const redactor = createRedactor({ mask: slow, maskTimeoutMs: 5 });
    redactor(r);
    expect(calls).toBe(1);
    expect(JSON.stringify(r)).not.toContain("CANARY");
    expect(JSON.stringify(r)).not.toContain("fine");
    expect(redactor.stats.maskFailuresByReason.timeout).toBe(1);
    expect(redactor.stats.maskFailuresByReason.skipped).toBe(redactor.stats.maskFailures - 1);
    expect(redactor.stats.maskFailures).toBeGreaterThan(10);
  });

  it("copies the result: plain, well-formed and prototype-safe", () => {
    const r = contentRecord();
    createRedactor({ mask: () => JSON.parse('{"__proto__":{"polluted":1},"s":"\\ud800"}') as JsonValue })(r);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(r.output)).toBe('{"__proto__":{"polluted":1},"s":"\uFFFD"}');
  });

  it("redacts secrets in what the mask returns", () => {
    const r = contentRecord();
    createRedactor({ mask: (v) => (typeof v === "string" ? `masked, but ${KEY}` : v) })(r);
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it("rejects bad options at construction", () => {
    expect(() => createRedactor({ mask: "nope" as unknown as MaskFn })).toThrow(TypeError);
    expect(() => createRedactor({ maskTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createRedactor({ maskTimeoutMs: NaN })).toThrow(RangeError);
  });
});

describe("internal failure", () => {
  it("cuts the record down to structural fields rather than letting it through", () => {
    const r = contentRecord();
    Object.defineProperty(r.metadata, "boom", {
      enumerable: true,
      get() {
        throw new Error("hostile getter");
      },
    });
    const redactor = createRedactor({});
    const out = redactor(r);
    expect(out.spanId).toBe(r.spanId);
    expect(out.extras).toEqual({});
    expect(out.llm).toBeUndefined();
    expect(out.usage).toEqual(r.usage);
    expect(out.dropped.errors).toEqual({ redaction: "Error" });
    expect(JSON.stringify(out)).not.toContain("CANARY");
    expect(redactor.stats.errors).toBe(1);
    expectValidRecord(out);
  });
});

describe("redaction and the message texts the encoders embed", () => {
  function chat(input: unknown[]): CanonicalSpan {
    return toCanonicalSpan(
      makeSpan({ name: "chat m", attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "gen_ai.input.messages": JSON.stringify(input) } }),
    );
  }
  /** Everything the record becomes on its way out: the JSONL line and the OTLP message attribute. */
  const outputs = (r: CanonicalSpan): string => `${encodeRecord(r)}\n${String(recordAttributes(r)["gen_ai.input.messages"])}`;

  it("a secret redacted inside a message never reaches the line or the OTLP attribute through the original text", () => {
    const r = createRedactor()(chat([{ role: "user", parts: [{ type: "text", content: `key ${KEY}` }] }]));
    expect(outputs(r)).not.toContain(KEY);
    expect(outputs(r)).toContain("[REDACTED]");
  });

  it("a mask's replacement is what goes out", () => {
    const r = createRedactor({ mask: () => "MASKED" })(chat([{ role: "user", parts: [{ type: "text", content: "CANARY" }] }]));
    expect(outputs(r)).not.toContain("CANARY");
    expect(outputs(r)).toContain("MASKED");
  });

  it("captureContent: false removes the messages from every output", () => {
    const r = createRedactor({ captureContent: false })(chat([{ role: "user", parts: [{ type: "text", content: "CANARY" }] }]));
    expect(outputs(r)).not.toContain("CANARY");
  });

  it("a secret hidden behind a duplicate key (the parse keeps only the last value) is never embedded", () => {
    const text = `[{"role":"user","parts":[{"type":"text","content":"hi","note":"${KEY}","note":"ok"}]}]`;
    const span = makeSpan({ name: "chat m", attributes: { "gen_ai.operation.name": "chat", "gen_ai.input.messages": text } });
    const r = createRedactor()(toCanonicalSpan(span));
    expect(r.llm!.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "hi", note: "ok" }] }]);
    expect(outputs(r)).not.toContain(KEY);
  });
});
