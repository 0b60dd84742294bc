import { context, SpanKind, trace, type Attributes, type Span, type Tracer } from "@opentelemetry/api";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { Ancestry, GENAI_ONLY, ORIGINAL_PARENT_KEY, resolveFilter, type SpanFilter } from "../../src/processor/filter";
import { makeSpan, providerWith } from "../helpers/spans";

describe("GENAI_ONLY", () => {
  it.each<{ what: string; attributes: Attributes; scope?: string }>([
    { what: "gen_ai.operation.name", attributes: { "gen_ai.operation.name": "chat" } },
    { what: "gen_ai.provider.name", attributes: { "gen_ai.provider.name": "openai" } },
    { what: "gen_ai.system", attributes: { "gen_ai.system": "anthropic" } },
    { what: "gen_ai.tool.name", attributes: { "gen_ai.tool.name": "search" } },
    { what: "openinference.span.kind", attributes: { "openinference.span.kind": "LLM" } },
    { what: "traceloop.span.kind", attributes: { "traceloop.span.kind": "workflow" } },
    { what: "llm.request.type", attributes: { "llm.request.type": "chat" } },
    { what: "ai.operationId", attributes: { "ai.operationId": "ai.generateText" } },
    { what: "AI SDK operation.name", attributes: { "operation.name": "ai.streamText my-fn" } },
    { what: "langfuse.observation.type", attributes: { "langfuse.observation.type": "generation" } },
    { what: "mlflow.spanType", attributes: { "mlflow.spanType": '"LLM"' } },
    { what: "the `ai` scope", attributes: {}, scope: "ai" },
    { what: "the pydantic-ai scope", attributes: {}, scope: "pydantic-ai" },
    { what: "the langfuse-sdk scope", attributes: {}, scope: "langfuse-sdk" },
    { what: "the OTel OpenAI instrumentation scope", attributes: {}, scope: "@opentelemetry/instrumentation-openai" },
    { what: "an OpenInference scope", attributes: {}, scope: "@arizeai/openinference-instrumentation-openai" },
  ])("keeps a span with $what", ({ attributes, scope }) => {
    expect(GENAI_ONLY(makeSpan({ attributes, scope }))).toBe(true);
  });

  it("keeps Agent Lightning spans by name", () => {
    expect(GENAI_ONLY(makeSpan({ name: "agentlightning.annotation", attributes: { reward: 1 } }))).toBe(true);
  });

  it.each<[string, Attributes]>([
    ["an HTTP span", { "http.request.method": "GET", "url.full": "https://x" }],
    ["a DB span", { "db.system.name": "postgresql" }],
    ["a span with only context-propagated GenAI keys", { "gen_ai.agent.name": "a", "gen_ai.conversation.id": "c", "traceloop.workflow.name": "w" }],
    ["an empty marker", { "gen_ai.operation.name": "" }],
    ["a non-AI operation.name", { "operation.name": "http.get" }],
  ])("drops %s", (_, attributes) => {
    expect(GENAI_ONLY(makeSpan({ attributes, scope: "@opentelemetry/instrumentation-http" }))).toBe(false);
  });
});

describe("resolveFilter", () => {
  it("maps the preset (wrapped like any filter: a span whose getters throw is kept) and leaves no filter alone", () => {
    const genai = resolveFilter("genai")!;
    const hostile = new Proxy(makeSpan({ attributes: { "gen_ai.operation.name": "chat" } }), {
      get(target, key, receiver) {
        if (key === "attributes" || key === "instrumentationScope") throw new Error("hostile getter");
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(() => GENAI_ONLY(hostile)).toThrow("hostile getter");
    expect(genai(hostile)).toBe(true);
    expect(genai(makeSpan({ attributes: { "http.request.method": "GET" } }))).toBe(false);
    expect(resolveFilter(undefined)).toBeUndefined();
  });

  it("keeps a span when the user filter throws, instead of throwing", () => {
    const f = resolveFilter(() => {
      throw new Error("bad filter");
    });
    expect(f?.(makeSpan())).toBe(true);
    const g = resolveFilter((s) => s.name === "keep");
    expect(g?.(makeSpan({ name: "keep" }))).toBe(true);
    expect(g?.(makeSpan({ name: "other" }))).toBe(false);
  });

  it("rejects anything else at construction", () => {
    expect(() => resolveFilter("all" as never)).toThrow(TypeError);
  });
});

/** A processor that filters like the real one: ancestry on start and end, records at onEnd. */
class Harness implements SpanProcessor {
  readonly records = new Map<string, CanonicalSpan>();
  constructor(
    readonly ancestry: Ancestry,
    private readonly _filter: SpanFilter,
  ) {}
  onStart(span: Span): void {
    this.ancestry.onStart(span as unknown as ReadableSpan);
  }
  onEnd(span: ReadableSpan): void {
    const kept = this._filter(span);
    this.ancestry.onEnd(span, kept);
    if (!kept) return;
    const r = toCanonicalSpan(span);
    this.ancestry.resolveParent(r); // in the export path, usually before the parent ended
    this.records.set(span.name, r);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(ancestry = new Ancestry(undefined, undefined, GENAI_ONLY)): { h: Harness; tracer: Tracer } {
  const h = new Harness(ancestry, GENAI_ONLY);
  return { h, tracer: providerWith([h]).getTracer("app") };
}

function child(tracer: Tracer, parent: Span | undefined, name: string, attributes: Attributes = {}): Span {
  const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
  return tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, ctx);
}

const AGENT = { "gen_ai.operation.name": "invoke_agent" };
const CHAT = { "gen_ai.operation.name": "chat" };
const HTTP = { "http.request.method": "POST" };

describe("Ancestry", () => {
  it("re-parents kept spans past dropped ones, even when the child ends first", () => {
    const { h, tracer } = setup();
    const server = child(tracer, undefined, "server", HTTP);
    const agent = child(tracer, server, "agent", AGENT);
    const http = child(tracer, agent, "http", HTTP);
    const chat = child(tracer, http, "chat", CHAT);
    const db = child(tracer, agent, "db", { "db.system.name": "sqlite" });
    const tool = child(tracer, db, "tool", { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "t" });
    for (const s of [chat, http, tool, db, agent, server]) s.end();

    const id = (s: Span): string => s.spanContext().spanId;
    expect(h.records.get("chat")?.parentId).toBe(id(agent));
    expect(h.records.get("chat")?.extras[ORIGINAL_PARENT_KEY]).toBe(id(http));
    expect(h.records.get("tool")?.parentId).toBe(id(agent));
    expect(h.records.get("agent")?.parentId).toBeNull();
    expect(h.records.get("agent")?.extras[ORIGINAL_PARENT_KEY]).toBe(id(server));
    expect([...h.records.keys()].sort()).toEqual(["agent", "chat", "tool"]);
  });

  it("leaves a kept parent alone and stores nothing for kept spans", () => {
    const { h, tracer } = setup();
    const agent = child(tracer, undefined, "agent", AGENT);
    const chat = child(tracer, agent, "chat", CHAT);
    chat.end();
    agent.end();
    expect(h.records.get("chat")?.parentId).toBe(agent.spanContext().spanId);
    expect(h.records.get("chat")?.extras[ORIGINAL_PARENT_KEY]).toBeUndefined();
    expect(h.ancestry.size).toBe(0);
  });

  it("takes the final decision at end: children ending later see the parent as kept", () => {
    const { h, tracer } = setup();
    const agent = child(tracer, undefined, "agent", AGENT);
    const step = child(tracer, agent, "step"); // no marker yet: dropped on start attributes
    const early = child(tracer, step, "early", CHAT);
    early.end();
    step.setAttribute("gen_ai.operation.name", "chat");
    step.end();
    const late = child(tracer, step, "late", CHAT);
    late.end();
    agent.end();
    // Documented limit: `early` ended while `step` looked dropped.
    expect(h.records.get("early")?.parentId).toBe(agent.spanContext().spanId);
    expect(h.records.get("late")?.parentId).toBe(step.spanContext().spanId);
    expect(h.records.get("step")?.parentId).toBe(agent.spanContext().spanId);
  });

  it("bounds the walk and keeps the last id it reached", () => {
    const { h, tracer } = setup();
    const chain: Span[] = [];
    let parent: Span | undefined;
    for (let i = 0; i < 100; i++) chain.push((parent = child(tracer, parent, `d${i}`, HTTP)));
    child(tracer, parent, "chat", CHAT).end();
    expect(h.records.get("chat")?.parentId).toBe(chain[35]!.spanContext().spanId);
    expect(h.records.get("chat")?.extras[ORIGINAL_PARENT_KEY]).toBe(chain[99]!.spanContext().spanId);
  });

  it("evicts the oldest entries past maxEntries; a walk stops at an evicted ancestor", () => {
    const { h, tracer } = setup(new Ancestry(3, 60_000, GENAI_ONLY));
    const root = child(tracer, undefined, "root", HTTP);
    const mid = child(tracer, root, "mid", HTTP);
    for (let i = 0; i < 10; i++) child(tracer, undefined, `noise${i}`, HTTP).end();
    expect(h.ancestry.size).toBe(3);
    const leaf = child(tracer, mid, "leaf", HTTP);
    child(tracer, leaf, "chat", CHAT).end();
    // `leaf` is remembered, `mid` was evicted: the record keeps `mid`, the last id it knows.
    expect(h.records.get("chat")?.parentId).toBe(mid.spanContext().spanId);
    expect(h.ancestry.size).toBe(3);
  });

  it("forgets dropped spans after maxAgeMs", () => {
    let now = 1_000;
    const ancestry = new Ancestry(100, 5_000, GENAI_ONLY, () => now);
    const { h, tracer } = setup(ancestry);
    const old = child(tracer, undefined, "old", HTTP);
    expect(ancestry.size).toBe(1);
    now += 6_000;
    const fresh = child(tracer, undefined, "fresh", HTTP); // any insert evicts what aged out
    expect(ancestry.size).toBe(1);
    child(tracer, old, "chat-old", CHAT).end();
    child(tracer, fresh, "chat-fresh", CHAT).end();
    expect(h.records.get("chat-old")?.parentId).toBe(old.spanContext().spanId);
    expect(h.records.get("chat-fresh")?.parentId).toBeNull();
  });

  it("uses the decision it is given, else the filter, else keeps", () => {
    const span = makeSpan({ attributes: HTTP });
    const bare = new Ancestry();
    bare.onStart(span);
    expect(bare.size).toBe(0);
    bare.onStart(span, false);
    expect(bare.size).toBe(1);
    bare.onEnd(span, true);
    expect(bare.size).toBe(0);
    const throwing = new Ancestry(10, 1000, () => {
      throw new Error("x");
    });
    throwing.onStart(span);
    expect(throwing.size).toBe(0);
  });
});
