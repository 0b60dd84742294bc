/**
 * Offload batches: the in-flight bound (spans posted and not yet converted by the worker are
 * bounded like the processor's queue), and batches built in-thread when the worker is gone.
 */
import { Batch, InFlight } from "../../src/processor/offload/batch";
import { getProcessorDefaults } from "../../src/processor/options";
import { RecordPipeline } from "../../src/processor/pipeline";
import { SequenceCounters } from "../../src/processor/rollout";
import { SnapshotWriter } from "../../src/processor/offload/snapshot";
import { MemorySink } from "../../src/sinks/memory-sink";
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
