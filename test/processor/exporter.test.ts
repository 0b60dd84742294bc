import { context, trace } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { CanonicalSpanExporter } from "../../src/processor/exporter";
import { makeSpan } from "../helpers/spans";
import { endSpans, RecordingSink, tracerWith } from "./helpers";

const made: CanonicalSpanExporter[] = [];
function exporter(...sinks: RecordingSink[]): CanonicalSpanExporter {
  const e = new CanonicalSpanExporter({ sinks, exitHooks: false, shutdownTimeoutMillis: 300 });
  made.push(e);
  return e;
}
afterEach(async () => {
  await Promise.all(made.splice(0).map((e) => e.shutdown()));
});

function exportOnce(e: CanonicalSpanExporter, spans = [makeSpan({ name: "one" })]): Promise<ExportResult[]> {
  return new Promise((resolve) => {
    const results: ExportResult[] = [];
    e.export(spans, (r) => {
      results.push(r);
      // Give a second (buggy) callback a chance to show up before resolving.
      setTimeout(() => resolve(results), 20);
    });
  });
}

describe("CanonicalSpanExporter", () => {
  it("works inside a stock BatchSpanProcessor", async () => {
    const sink = new RecordingSink();
    const e: SpanExporter = exporter(sink);
    const { tracer, provider } = tracerWith(new BatchSpanProcessor(e));
    endSpans(tracer, 3);
    await provider.forceFlush();
    expect(sink.spanNames).toEqual(["s-0", "s-1", "s-2"]);
    expect(sink.records.map((r) => r.sequenceId)).toEqual([1, 2, 3]);
  });

  it("keeps one write in flight per sink and the end order when the BSP exports batches concurrently", async () => {
    const sink = new RecordingSink();
    sink.delayMs = 5;
    const bsp = new BatchSpanProcessor(exporter(sink), { maxExportBatchSize: 10, maxQueueSize: 1000, scheduledDelayMillis: 60_000 });
    const { tracer, provider } = tracerWith(bsp);
    endSpans(tracer, 9); // stays below the batch size: only forceFlush exports them
    await new Promise((r) => setTimeout(r, 10));
    // The 10th span starts an export; flush then launches 3 more batches at once (BSP _flushAll).
    for (let i = 0; i < 35; i++) tracer.startSpan(`more-${i}`).end();
    await provider.forceFlush();
    expect(sink.records).toHaveLength(44);
    expect(sink.maxInFlight).toBe(1);
    const seq = sink.records.map((r) => r.sequenceId!);
    expect(seq).toEqual([...seq].sort((a, b) => a - b));
  });

  it("calls back exactly once, never synchronously, and converts off the caller's stack", async () => {
    const sink = new RecordingSink();
    const e = exporter(sink);
    let calls = 0;
    e.export([makeSpan()], () => calls++);
    expect(calls).toBe(0);
    expect(sink.writes).toBe(0);
    const results = await exportOnce(e);
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(calls).toBe(1);
  });

  it("reports FAILED when no sink accepted the batch, SUCCESS when one did", async () => {
    const bad = new RecordingSink("bad");
    bad.mode = "reject";
    expect((await exportOnce(exporter(bad)))[0]!.code).toBe(ExportResultCode.FAILED);
    const bad2 = new RecordingSink("bad");
    bad2.mode = "reject";
    const good = new RecordingSink("good");
    const e = exporter(bad2, good);
    expect((await exportOnce(e))[0]!.code).toBe(ExportResultCode.SUCCESS);
    expect(e.stats().dropped["sink_error:bad"]).toBe(1);
  });

  it("returns FAILED after shutdown, and shutdown is idempotent", async () => {
    const sink = new RecordingSink();
    const e = exporter(sink);
    const first = e.shutdown();
    expect(e.shutdown()).toBe(first);
    await first;
    const [result] = await exportOnce(e, [makeSpan({ name: "late-1" }), makeSpan({ name: "late-2" })]);
    expect(result!.code).toBe(ExportResultCode.FAILED);
    expect(result!.error?.message).toMatch(/shut down/);
    expect(sink.shutdowns).toBe(1);
    await e.forceFlush();
    // Ignored, and counted (RELIABILITY B8): the calls, and the spans of the refused export.
    const s = e.stats();
    expect(s.afterShutdown).toEqual({ onStart: 0, onEnd: 0, forceFlush: 1, export: 1 });
    expect(s.dropped.after_shutdown).toBe(2);
  });

  it("filters inside a stock BatchSpanProcessor without orphans when the filtered parent ends in the same batch", async () => {
    const sink = new RecordingSink();
    const e = new CanonicalSpanExporter({ sinks: [sink], exitHooks: false, filter: "genai" });
    made.push(e);
    const { tracer, provider } = tracerWith(new BatchSpanProcessor(e, { scheduledDelayMillis: 60_000 }));
    const agent = tracer.startSpan("agent", { attributes: { "gen_ai.operation.name": "invoke_agent" } });
    const http = tracer.startSpan("http", { attributes: { "http.request.method": "POST" } }, trace.setSpan(context.active(), agent));
    const chat = tracer.startSpan("chat", { attributes: { "gen_ai.operation.name": "chat" } }, trace.setSpan(context.active(), http));
    chat.end(); // the child ends first, as children do…
    http.end(); // …then its filtered parent, in the same export batch
    agent.end();
    await provider.forceFlush();
    const byName = new Map(sink.records.map((r) => [r.name, r]));
    expect([...byName.keys()].sort()).toEqual(["agent", "chat"]);
    expect(byName.get("chat")!.parentId).toBe(agent.spanContext().spanId);
    expect(byName.get("chat")!.extras["canonspan.original_parent_id"]).toBe(http.spanContext().spanId);
    expect(e.stats().dropped.filtered).toBe(1);
  });

  it("shutdown resolves within its timeout when a sink hangs", async () => {
    const sink = new RecordingSink();
    sink.mode = "hang";
    const e = new CanonicalSpanExporter({ sinks: [sink], exitHooks: false, shutdownTimeoutMillis: 200, exportTimeoutMillis: 0 });
    let called = 0;
    e.export([makeSpan()], () => called++);
    const t0 = Date.now();
    await e.shutdown();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(called).toBe(1); // the pending export is answered when its lane closes
    // Given up when shutdown ended: counted once, as lost, and no longer shown as waiting.
    expect(e.stats().dropped.shutdown_timeout).toBe(1);
    expect(e.stats().backlog).toEqual({ rec: 0 });
  });

  it("never blocks indefinitely behind a hung sink: every export is answered once its write timed out", async () => {
    const hung = new RecordingSink("hung");
    hung.mode = "hang";
    const e = new CanonicalSpanExporter({ sinks: [hung], exitHooks: false, exportTimeoutMillis: 100, shutdownTimeoutMillis: 200 });
    made.push(e);
    const results = await Promise.all([0, 1, 2].map((k) => exportOnce(e, [makeSpan({ name: `a-${k}` }), makeSpan({ name: `b-${k}` })])));
    // The first batch's write timed out (counted); the later ones wait behind it in the lane's bounded backlog.
    expect(results.map((r) => r.map((x) => x.code))).toEqual([[ExportResultCode.FAILED], [ExportResultCode.FAILED], [ExportResultCode.FAILED]]);
    const s = e.stats();
    expect(s.dropped["sink_timeout:hung"]).toBe(2);
    expect(s.backlog.hung).toBe(4); // held, visible, and counted at shutdown if still there
    await Promise.all(Array.from({ length: 50 }, () => e.forceFlush())); // resolve at once: nothing waits on a stuck lane
  });

  it("survives a callback that throws", async () => {
    const e = exporter(new RecordingSink());
    let calls = 0;
    e.export([makeSpan()], () => {
      calls++;
      throw new Error("callback bug");
    });
    await e.forceFlush();
    expect(calls).toBe(1);
  });
});
