/**
 * Offload batches: the in-flight bound (spans posted and not yet converted by the worker are
 * bounded like the processor's queue), and batches built in-thread when the worker is gone.
 */
import { Batch, InFlight } from "../../src/processor/offload/batch";
import { getProcessorDefaults } from "../../src/processor/options";
import { RecordPipeline } from "../../src/processor/pipeline";
import { SequenceCounters } from "../../src/processor/rollout";
import { SnapshotWriter } from "../../src/processor/offload/snapshot";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileSink } from "../../src/sinks/file-sink";
import { MemorySink } from "../../src/sinks/memory-sink";
import { OtlpSink } from "../../src/sinks/otlp-sink";
import { makeSpan } from "../helpers/spans";

function batchOf(n: number, bytes: number, pipeline = new RecordPipeline({ sinks: [] }, getProcessorDefaults())): Batch {
  const batch = new Batch(pipeline, new SnapshotWriter());
  for (let i = 0; i < n; i++) batch.add({ span: makeSpan({ name: `s${i}` }), bytes });
  return batch;
}

describe("InFlight", () => {
  it("always lets one batch wait, then bounds by spans", () => {
    const f = new InFlight();
    expect(f.full(10, 1e9)).toBe(false);
    expect(f.add(batchOf(20, 1))).toBe(1);
    expect(f.full(10, 1e9)).toBe(true); // over the count bound, but it is the only batch: posted anyway
    f.ack(1);
    expect(f.waiting).toBe(0);
    expect(f.full(10, 1e9)).toBe(false);
    f.add(batchOf(6, 1));
    expect(f.full(10, 1e9)).toBe(false);
    f.add(batchOf(6, 1));
    expect(f.waiting).toBe(12);
    expect(f.full(10, 1e9)).toBe(true);
    f.ack(2);
    expect(f.full(10, 1e9)).toBe(false);
  });

  it("bounds by estimated bytes, released per acknowledged batch", () => {
    const f = new InFlight();
    f.add(batchOf(2, 300)); // 600 bytes
    f.add(batchOf(2, 300)); // 1200
    expect(f.full(1000, 1000)).toBe(true);
    f.ack(1);
    expect(f.full(1000, 1000)).toBe(false);
    f.ack(1); // a repeated acknowledgement changes nothing
    expect(f.waiting).toBe(2);
  });
});

describe("Batch", () => {
  it("skips filtered spans (counted) and builds in-thread from the spans", () => {
    const sink = new MemorySink();
    const pipeline = new RecordPipeline({ sinks: [sink], filter: (s) => s.name !== "drop" }, getProcessorDefaults());
    const batch = new Batch(pipeline, new SnapshotWriter());
    batch.add({ span: makeSpan({ name: "keep-1" }), bytes: 10 });
    batch.add({ span: makeSpan({ name: "drop" }), bytes: 10 });
    batch.add({ span: makeSpan({ name: "keep-2" }), bytes: 10 });
    expect(batch.length).toBe(2);
    expect(batch.bytes).toBe(20);
    expect(pipeline.stats.dropped.get("filtered")).toBe(1);
    batch.buildInThread();
    pipeline.kickAll();
    return pipeline.flushLanes().then(() => {
      expect(sink.records.map((r) => [r.name, r.sequenceId])).toEqual([
        ["keep-1", 1],
        ["keep-2", 2],
      ]);
    });
  });
});

describe("Batch: the app thread's encoded share", () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "canonspan-share-"))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A FileSink that refuses lines over 2 KB next to an `http/protobuf` OtlpSink, whose encodings the worker cannot number. */
  function sharedPipeline(): { pipeline: RecordPipeline; masked: string[] } {
    const masked: string[] = [];
    const sinks = [
      new FileSink({ path: path.join(dir, "share.jsonl"), maxLineBytes: 2048 }),
      // Port 9 is never contacted: the test does not flush.
      new OtlpSink({ url: "http://127.0.0.1:9/v1/traces", protocol: "http/protobuf" }),
    ];
    const mask = (v: unknown): unknown => {
      masked.push(String(v));
      return typeof v === "string" ? `${v}+` : v;
    };
    return { pipeline: new RecordPipeline({ sinks, mask: mask as never }, getProcessorDefaults()), masked };
  }

  it("a refused line is counted once and a record is masked once when the worker must encode (protobuf OTLP)", () => {
    const { pipeline, masked } = sharedPipeline();
    const batch = new Batch(pipeline, new SnapshotWriter());
    const span = (name: string, input: string) => makeSpan({ name, attributes: { "openinference.span.kind": "LLM", "input.value": input } });
    batch.add({ span: span("small", "hi"), bytes: 100 }, "encoded");
    batch.add({ span: span("large", "x".repeat(4096)), bytes: 5000 }, "encoded");
    expect(batch.unnumbered).toBe(true);
    // Nothing was counted on the app thread for a share that goes over as a record…
    expect(pipeline.stats.dropped.size).toBe(0);
    const redactedHere = pipeline.snapshot({ length: 0, bytes: 0 }).redaction!.maskCalls;
    expect(redactedHere).toBe(2);
    // …and the worker (here: the same pipeline) numbers and delivers it without redacting it again.
    batch.buildInThread();
    const stats = pipeline.snapshot({ length: 0, bytes: 0 });
    expect(stats.dropped).toEqual({ "sink_error:file": 1 });
    expect(stats.redaction!.maskCalls).toBe(2);
    expect(masked.map((m) => m.slice(0, 3))).toEqual(["hi", "xxx"]);
    expect(stats.converted).toBe(2);
    pipeline.closeLanes("shutdown");
  });
});

describe("sequence counters across threads", () => {
  it("a restored state numbers on exactly where the worker stopped", () => {
    const worker = new SequenceCounters();
    worker.next("ro", "a1");
    worker.next("ro", "a1");
    worker.next("ro", "a2");
    worker.next(undefined, undefined);
    const app = new SequenceCounters();
    app.restore(structuredClone(worker.state()));
    expect([app.next("ro", "a1"), app.next("ro", "a2"), app.next(undefined, undefined), app.next("ro", "a3")]).toEqual([3, 2, 2, 1]);
  });

  it("after a crash (only the counts known), every attempt resumes above all ids handed out", () => {
    const worker = new SequenceCounters();
    for (let i = 0; i < 5; i++) worker.next("ro", "a1");
    worker.next(undefined, undefined);
    const { process, global } = worker.issued();
    const unacked = 2; // ids the worker may have handed out after its last report
    const app = new SequenceCounters();
    app.restore({ attempts: [], process: process + unacked, global: global + unacked, evicted: true });
    expect(app.next("ro", "a1")).toBeGreaterThan(5 + unacked);
    expect(app.next(undefined, undefined)).toBe(1 + unacked + 1);
  });

  it("restore keeps the attempt bound", () => {
    const app = new SequenceCounters(2);
    app.restore({ attempts: [["x\u0000a", 4], ["x\u0000b", 7], ["x\u0000c", 9]], process: 0, global: 20, evicted: false });
    expect(app.next("x", "a")).toBe(21); // forgotten: resumes above every id handed out
    expect(app.next("x", "c")).toBe(10);
  });
});
