import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import * as net from "node:net";
import { CanonicalSpanProcessor } from "../../src/processor/processor";
import { OtlpSink } from "../../src/sinks/otlp-sink";
import type { CanonicalSpanProcessorOptions } from "../../src/processor/options";
import { providerWith } from "../helpers/spans";
import { endSpans, RecordingSink, sleep, tracerWith, waitFor } from "./helpers";

const made: CanonicalSpanProcessor[] = [];
function processor(opts: Omit<CanonicalSpanProcessorOptions, "exitHooks">): CanonicalSpanProcessor {
  const p = new CanonicalSpanProcessor({ exitHooks: false, ...opts });
  made.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(made.splice(0).map((p) => p.shutdown()));
});

describe("CanonicalSpanProcessor", () => {
  it("is an SDK SpanProcessor and delivers one record per span to every sink, in end order", async () => {
    const a = new RecordingSink("a");
    const b = new RecordingSink("b");
    const p: SpanProcessor = processor({ sinks: [a, b] });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 5);
    await p.forceFlush();
    expect(a.spanNames).toEqual(["s-0", "s-1", "s-2", "s-3", "s-4"]);
    expect(b.spanNames).toEqual(a.spanNames);
    expect(a.records[0]!.schema).toBe("canonspan/v1");
    expect(a.records.map((r) => r.sequenceId)).toEqual([1, 2, 3, 4, 5]);
    // Both sinks share one record object per span (converted once).
    expect(b.records[0]).toBe(a.records[0]);
    expect(a.flushes).toBe(1);
  });

  it("never exports inside onEnd: nothing is written until the event loop turns", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], maxExportBatchSize: 2 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 10);
    expect(sink.writes).toBe(0);
    await waitFor(() => sink.records.length === 10, 10_000, "batch-size exports");
    expect(sink.batchSizes.every((n) => n <= 2)).toBe(true);
  });

  it("exports a partial batch after scheduledDelayMillis", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], scheduledDelayMillis: 20 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 3);
    await waitFor(() => sink.records.length === 3, 10_000, "timer export");
    expect(sink.writes).toBe(1);
  });

  it("converts on the next turn without waiting for a batch, and writes the partial batch only on its timer", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], scheduledDelayMillis: 60_000 });
    const { tracer } = tracerWith(p);
    // Fewer spans per turn than a batch (512): none may wait in the queue across turns, since a
    // span that outlives two young-generation GCs is promoted (copied twice).
    for (let turn = 0; turn < 5; turn++) {
      endSpans(tracer, 100, `t${turn}`);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      const s = p.stats();
      expect(s.queueLength).toBe(0);
      expect(s.converted).toBe(100 * (turn + 1));
    }
    // 500 records wait in the sink's backlog: a full batch is written by itself, a partial one
    // only when scheduledDelayMillis passes (or a flush asks).
    expect(sink.writes).toBe(0);
    expect(p.stats().backlog).toEqual({ rec: 500 });
    endSpans(tracer, 100, "full");
    await waitFor(() => sink.writes === 1, 10_000, "a full batch");
    expect(sink.batchSizes).toEqual([512]);
    await p.forceFlush();
    expect(sink.records).toHaveLength(600);
  });

  it("keeps at most one write in flight per sink, with a slow sink and many batches", async () => {
    const slow = new RecordingSink("slow");
    slow.delayMs = 15;
    const fast = new RecordingSink("fast");
    const p = processor({ sinks: [slow, fast], maxExportBatchSize: 10, scheduledDelayMillis: 5 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 120, "x");
    await sleep(20); // a timer/batch export is in flight now…
    endSpans(tracer, 80, "y");
    await Promise.all([p.forceFlush(), p.forceFlush()]); // …and flushes come on top of it
    expect(slow.maxInFlight).toBe(1);
    expect(fast.maxInFlight).toBe(1);
    const expected = [...Array.from({ length: 120 }, (_, i) => `x-${i}`), ...Array.from({ length: 80 }, (_, i) => `y-${i}`)];
    expect(slow.spanNames).toEqual(expected);
    expect(fast.spanNames).toEqual(expected);
    expect(Math.max(...slow.batchSizes)).toBeLessThanOrEqual(10);
  });

  it("does not let a stalled sink hold back the others", async () => {
    const stuck = new RecordingSink("stuck");
    stuck.hold();
    const ok = new RecordingSink("ok");
    const p = processor({ sinks: [stuck, ok], scheduledDelayMillis: 1 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 30);
    await waitFor(() => ok.records.length === 30, 10_000, "healthy sink delivery");
    expect(stuck.records).toHaveLength(0);
    expect(p.stats().backlog).toEqual({ stuck: 30, ok: 0 });
    stuck.release();
    await p.forceFlush();
    expect(stuck.records).toHaveLength(30);
  });

  it("bounds each sink's backlog: overflow is counted for that sink only, and flush still waits for what it accepted", async () => {
    const stuck = new RecordingSink("stuck");
    stuck.hold();
    const ok = new RecordingSink("ok");
    const p = processor({ sinks: [stuck, ok], maxQueueSize: 5, maxExportBatchSize: 5 });
    const { tracer } = tracerWith(p);
    for (let round = 0; round < 4; round++) {
      endSpans(tracer, 5, `r${round}`);
      await waitFor(() => ok.records.length === 5 * (round + 1), 10_000, `round ${round}`);
    }
    // 5 in stuck's write, 5 in its backlog, 10 refused.
    expect(p.stats().dropped).toEqual({ "sink_backlog_full:stuck": 10 });
    let flushed = false;
    const flush = p.forceFlush().then(() => (flushed = true));
    await sleep(50);
    expect(flushed).toBe(false);
    stuck.release();
    await flush;
    expect(stuck.spanNames).toEqual([...ok.spanNames.slice(0, 10)]);
  });

  it("forceFlush delivers everything received before the call", async () => {
    const sink = new RecordingSink();
    sink.delayMs = 5;
    const p = processor({ sinks: [sink], maxExportBatchSize: 7 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 50, "before");
    const flushed = p.forceFlush();
    endSpans(tracer, 50, "after");
    await flushed;
    const names = sink.spanNames;
    for (let i = 0; i < 50; i++) expect(names).toContain(`before-${i}`);
    expect(names.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => `before-${i}`));
  });

  it("coalesces concurrent flushes and resolves them all", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], maxExportBatchSize: 512 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 20);
    await Promise.all(Array.from({ length: 1000 }, () => p.forceFlush()));
    expect(sink.records).toHaveLength(20);
    expect(sink.writes).toBeLessThanOrEqual(2);
    expect(sink.flushes).toBeLessThanOrEqual(2);
  });

  it("forceFlush resolves by its timeout when a sink hangs, and never rejects", async () => {
    const sink = new RecordingSink();
    sink.mode = "hang";
    const p = processor({ sinks: [sink], forceFlushTimeoutMillis: 100, exportTimeoutMillis: 0, shutdownTimeoutMillis: 100 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 3);
    await expect(p.forceFlush()).resolves.toBeUndefined();
  });

  it("shutdown resolves within its timeout when a sink hangs, and counts what was lost", async () => {
    const hung = new RecordingSink("hung");
    hung.mode = "hang";
    const ok = new RecordingSink("ok");
    const p = processor({ sinks: [hung, ok], shutdownTimeoutMillis: 300, exportTimeoutMillis: 0 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 4);
    const t0 = Date.now();
    await p.shutdown();
    expect(Date.now() - t0).toBeLessThan(10_000); // generous: the point is that it returns at all
    expect(ok.records).toHaveLength(4);
    expect(ok.shutdowns).toBe(1);
    expect(hung.shutdowns).toBe(1);
    const s = p.stats();
    expect(s.exported).toEqual({ ok: 4 });
    // The hung write held 4 records: given up when shutdown ended, counted once as such.
    expect(s.dropped.shutdown_timeout).toBe(4);
    expect(s.backlog.hung).toBe(0);
  });

  it("shutdown keeps to its own timeout while an earlier forceFlush waits without limit", async () => {
    const hung = new RecordingSink("hung");
    hung.mode = "hang";
    const p = processor({ sinks: [hung], forceFlushTimeoutMillis: 0, shutdownTimeoutMillis: 200, exportTimeoutMillis: 0 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 2);
    let flushed = false;
    void p.forceFlush().then(() => (flushed = true)); // no limit: waits for the hung write forever
    await sleep(20);
    const t0 = Date.now();
    await p.shutdown(); // before: shared the unbounded flush and never resolved
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(flushed).toBe(false);
    expect(p.stats().dropped.shutdown_timeout).toBe(2);
  });

  it("with the collector down, shutdown resolves within its timeout (RELIABILITY §5.2) and counts every span lost", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    // Default retry policy and request timeout: retries would go on for far longer than the shutdown budget.
    const p = processor({ sinks: [new OtlpSink({ url: `http://127.0.0.1:${port}/v1/traces` })], shutdownTimeoutMillis: 1_000 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 20);
    await sleep(50); // the first request is refused and its retry is waiting
    const t0 = Date.now();
    await p.shutdown();
    expect(Date.now() - t0).toBeLessThan(1_000 + 700); // the spec's ±200 ms, with room for a loaded CI machine
    const s = p.stats();
    expect(s.exported.otlp ?? 0).toBe(0);
    expect(Object.values(s.dropped).reduce((a, b) => a + b, 0)).toBe(20);
  });

  it("a slow write that settles within the shutdown budget is exported, not counted lost", async () => {
    const slow = new RecordingSink("slow");
    slow.delayMs = 100;
    const p = processor({ sinks: [slow], shutdownTimeoutMillis: 2_000 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 3);
    await p.shutdown();
    expect(slow.records).toHaveLength(3);
    const s = p.stats();
    expect(s.exported).toEqual({ slow: 3 });
    expect(s.dropped).toEqual({});
  });

  it("counts a write that exceeds exportTimeoutMillis as sink_timeout and keeps going", async () => {
    const sink = new RecordingSink("slowpoke");
    sink.delayMs = 300;
    const p = processor({ sinks: [sink], exportTimeoutMillis: 50 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 2);
    await p.forceFlush();
    expect(p.stats().dropped["sink_timeout:slowpoke"]).toBe(2);
    sink.delayMs = 0;
    endSpans(tracer, 3, "later");
    await p.forceFlush();
    await waitFor(() => sink.spanNames.includes("later-2"), 10_000, "recovery");
    expect(sink.maxInFlight).toBe(1);
  });

  it("shutdown is idempotent; later calls are ignored and counted", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink] });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 2);
    const first = p.shutdown();
    expect(p.shutdown()).toBe(first);
    await first;
    expect(sink.records).toHaveLength(2);
    endSpans(tracer, 3, "late");
    await p.forceFlush();
    const s = p.stats();
    expect(s.afterShutdown).toEqual({ onStart: 3, onEnd: 3, forceFlush: 1, export: 0 });
    expect(s.dropped.after_shutdown).toBe(3);
    expect(sink.records).toHaveLength(2);
    expect(sink.shutdowns).toBe(1);
  });

  it("drops the newest spans when the queue is full by count, and counts them", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], maxQueueSize: 10, maxExportBatchSize: 10 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 25); // one synchronous burst: no export can run in between
    await p.forceFlush();
    expect(sink.spanNames).toEqual(Array.from({ length: 10 }, (_, i) => `s-${i}`));
    const s = p.stats();
    expect(s.received).toBe(25);
    expect(s.dropped.queue_full_count).toBe(15);
  });

  it("keeps pace with an app that ends more spans per event-loop turn than one chunk holds: nothing is dropped", async () => {
    const sink = new RecordingSink();
    // 200 spans per turn against chunks of at most 128 spans: without pacing, the queue would
    // grow by ~72 spans a turn and overflow its 600-span bound within ten turns.
    const p = processor({ sinks: [sink], maxQueueSize: 600, maxExportBatchSize: 100 });
    const { tracer } = tracerWith(p);
    for (let turn = 0; turn < 40; turn++) {
      endSpans(tracer, 200, `t${turn}`);
      await new Promise((r) => setImmediate(r));
    }
    await p.forceFlush();
    const s = p.stats();
    expect(s.dropped).toEqual({});
    expect(s.received).toBe(8000);
    expect(sink.records).toHaveLength(8000);
  });

  it("drops by estimated bytes and counts them as queue_full_bytes", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], maxQueueBytes: 20_000 });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 10, "big", { "app.blob": "x".repeat(5000) });
    await p.forceFlush();
    const s = p.stats();
    expect(s.dropped.queue_full_bytes).toBeGreaterThan(0);
    expect(sink.records.length + s.dropped.queue_full_bytes!).toBe(10);
    expect(sink.records.length).toBeGreaterThanOrEqual(3);
    expect(s.queueBytes).toBe(0);
  });

  it.each(["throw", "reject", "fail"] as const)("survives a sink that %ss: counted, the app never sees it", async (mode) => {
    const bad = new RecordingSink("bad");
    bad.mode = mode;
    const good = new RecordingSink("good");
    const p = processor({ sinks: [bad, good] });
    const { tracer } = tracerWith(p);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      expect(() => endSpans(tracer, 4)).not.toThrow();
      await expect(p.forceFlush()).resolves.toBeUndefined();
      await sleep(20);
    } finally {
      process.removeListener("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(good.records).toHaveLength(4);
    const s = p.stats();
    expect(s.dropped["sink_error:bad"]).toBe(4);
    expect(s.exported).toEqual({ good: 4 });
  });

  it("warns about drops through diag, rate-limited, and summarizes them at shutdown", async () => {
    const warnings: string[] = [];
    const capture = { warn: (...args: unknown[]) => warnings.push(args.join(" ")) } as unknown as DiagLogger;
    diag.setLogger({ ...capture, error() {}, info() {}, debug() {}, verbose() {} } as DiagLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      const bad = new RecordingSink("bad");
      bad.mode = "reject";
      const p = processor({ sinks: [bad], maxExportBatchSize: 2 });
      const { tracer } = tracerWith(p);
      endSpans(tracer, 10);
      await p.forceFlush();
      await p.shutdown();
      const dropWarnings = warnings.filter((w) => w.includes("sink_error:bad") && w.startsWith("canonspan:processor"));
      expect(dropWarnings.length).toBeGreaterThanOrEqual(2); // one rate-limited line + the shutdown summary
      expect(dropWarnings.length).toBeLessThanOrEqual(3);
      expect(warnings.some((w) => /shutdown: dropped 10 of 10 span\(s\): sink_error:bad=10/.test(w))).toBe(true);
    } finally {
      diag.disable();
    }
  });

  it("never throws from onStart/onEnd, even on hostile input", () => {
    const p = processor({ sinks: [new RecordingSink()] });
    const hostile = {
      spanContext() {
        throw new Error("boom");
      },
    };
    expect(() => p.onStart(hostile as never, undefined as never)).not.toThrow();
    expect(() => p.onEnd(hostile as never)).not.toThrow();
    expect(() => p.onEnd(null as never)).not.toThrow();
  });

  it("never throws on thrown values that break error formatting (revoked Proxy, throwing getters), and counts such spans", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], filter: "genai" });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const withMessageGetter = Object.defineProperty(new Error("x"), "message", {
      get() {
        throw new Error("message getter");
      },
    });
    for (const thrown of [proxy, withMessageGetter, Object.create(null)]) {
      const hostile = {
        spanContext() {
          throw thrown;
        },
        get attributes(): never {
          throw thrown;
        },
      };
      expect(() => p.onEnd(hostile as never)).not.toThrow();
    }
    const { tracer } = tracerWith(p);
    tracer.startSpan("chat", { attributes: { "gen_ai.operation.name": "chat" } }).end();
    await p.forceFlush(); // the good span after the hostile ones is delivered, and the flush does not stall
    const s = p.stats();
    expect(s.received).toBe(4);
    // Every hostile span has its record (what could be read) or a counted drop: none is lost silently.
    expect(s.converted + Object.values(s.dropped).reduce((a, b) => a + b, 0)).toBe(4);
    expect(sink.spanNames).toContain("chat");
  });

  it("leaves the span unchanged for other processors (redaction works on the record only)", async () => {
    const sink = new RecordingSink();
    const memory = new InMemorySpanExporter();
    const provider = providerWith([processor({ sinks: [sink] }), new SimpleSpanProcessor(memory)]);
    const span = provider.getTracer("t").startSpan("call", { attributes: { "http.request.header.authorization": "Bearer CANARY-123" } });
    span.end();
    await provider.forceFlush();
    expect(memory.getFinishedSpans()[0]!.attributes["http.request.header.authorization"]).toBe("Bearer CANARY-123");
    expect(JSON.stringify(sink.records[0])).not.toContain("CANARY-123");
  });

  it("skips spans that are recorded but not sampled, like the stock BSP", () => {
    const p = processor({ sinks: [new RecordingSink()] });
    const span = { spanContext: () => ({ traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 0 }) };
    p.onEnd(span as never);
    expect(p.stats().received).toBe(0);
  });

  it("takes GenAI log events for each span from the logRecords companion", async () => {
    const asked: string[] = [];
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], logRecords: { take: (id) => (asked.push(id), []) } });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 2);
    await p.forceFlush();
    expect(asked).toEqual(sink.records.map((r) => r.spanId));
  });

  it("rejects invalid options at construction", () => {
    expect(() => new CanonicalSpanProcessor({ sinks: "file" as never, exitHooks: false })).toThrow(TypeError);
    expect(() => new CanonicalSpanProcessor({ sinks: [{ name: "x" } as never], exitHooks: false })).toThrow(/write\(\) and shutdown\(\)/);
    expect(() => new CanonicalSpanProcessor({ sinks: [], maxQueueSize: -1, exitHooks: false })).toThrow(/maxQueueSize/);
    expect(() => new CanonicalSpanProcessor({ sinks: [], maxExportBatchSize: 1.5, exitHooks: false })).toThrow(/maxExportBatchSize/);
  });

  it("filters spans without orphans: kept spans are re-parented to the nearest kept ancestor", async () => {
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink], filter: "genai" });
    const { tracer } = tracerWith(p);
    const { trace, context } = await import("@opentelemetry/api");
    const under = (parent: ReturnType<typeof tracer.startSpan>) => trace.setSpan(context.active(), parent);
    const root = tracer.startSpan("GET /plan");
    const agent = tracer.startSpan("invoke_agent planner", { attributes: { "gen_ai.operation.name": "invoke_agent" } }, under(root));
    const http = tracer.startSpan("POST", { attributes: { "http.request.method": "POST" } }, under(agent));
    const chat = tracer.startSpan("chat", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m" } }, under(http));
    for (const s of [chat, http, agent, root]) s.end();
    await p.forceFlush();
    expect(sink.spanNames).toEqual(["chat", "invoke_agent planner"]);
    const [chatRec, agentRec] = sink.records;
    expect(chatRec!.parentId).toBe(agent.spanContext().spanId);
    expect(chatRec!.extras["canonspan.original_parent_id"]).toBe(http.spanContext().spanId);
    expect(agentRec!.parentId).toBeNull();
    expect(p.stats().dropped.filtered).toBe(2);
  });

  it("passes captureContent and mask through to redaction", async () => {
    const messages = JSON.stringify([{ role: "user", parts: [{ type: "text", content: "secret plan" }] }]);
    const attrs = { "gen_ai.operation.name": "chat", "gen_ai.input.messages": messages };
    const noContent = new RecordingSink();
    const masked = new RecordingSink();
    const p1 = processor({ sinks: [noContent], captureContent: false });
    const p2 = processor({ sinks: [masked], mask: (v) => (typeof v === "string" ? v.toUpperCase() : v) });
    for (const p of [p1, p2]) tracerWith(p).tracer.startSpan("chat", { attributes: attrs }).end();
    await Promise.all([p1.forceFlush(), p2.forceFlush()]);
    expect(JSON.stringify(noContent.records[0])).not.toContain("secret plan");
    expect(JSON.stringify(masked.records[0])).toContain("SECRET PLAN");
    expect(p2.stats().redaction?.maskCalls).toBeGreaterThan(0);
  });

  it("suppresses tracing around sink I/O: the sink's own spans never come back as records", async () => {
    const { context, trace } = await import("@opentelemetry/api");
    const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const sink = new RecordingSink("traced");
      const p = processor({ sinks: [sink] });
      const { tracer, provider } = tracerWith(p);
      const write = sink.write.bind(sink);
      sink.write = (records) => {
        provider.getTracer("sink-io").startSpan("sync-io").end();
        return write(records).then(async (r) => {
          await sleep(1);
          provider.getTracer("sink-io").startSpan("async-io").end();
          return r;
        });
      };
      endSpans(tracer, 2);
      await p.forceFlush();
      await p.forceFlush();
      expect(sink.spanNames).toEqual(["s-0", "s-1"]);
      expect(p.stats().received).toBe(2);
      expect(trace.getActiveSpan()).toBeUndefined();
    } finally {
      context.disable();
    }
  });

  it("waits for async resource attributes before converting, like the stock BSP", async () => {
    const { resourceFromAttributes } = await import("@opentelemetry/resources");
    const { BasicTracerProvider } = await import("@opentelemetry/sdk-trace-base");
    const sink = new RecordingSink();
    const p = processor({ sinks: [sink] });
    const late = new Promise<string>((r) => setTimeout(() => r("ro-late"), 50));
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ "agentlightning.rollout_id": late }), spanProcessors: [p] });
    provider.getTracer("t").startSpan("s").end();
    await p.forceFlush();
    expect(sink.records[0]!.rolloutId).toBe("ro-late");
  });

  it("numbers sinks that share a name so their counters stay apart", async () => {
    const p = processor({ sinks: [new RecordingSink("file"), new RecordingSink("file")] });
    const { tracer } = tracerWith(p);
    endSpans(tracer, 1);
    await p.forceFlush();
    expect(p.stats().exported).toEqual({ file: 1, "file#2": 1 });
  });
});
