/**
 * `offload: "auto"`: when the in-thread processor moves to the worker. The worker's host is
 * stood in for by a second in-thread pipeline (the real worker is tested end to end, from the
 * built package, in offload.test.ts): what is checked here is the move itself — when it
 * starts, that nothing is lost or doubled across it, that a file's order and the `sequenceId`
 * numbering go on unbroken, and that a worker that cannot start leaves the processor in-thread.
 */
import type { CanonicalSpan } from "../../src/model/record";
import { AutoOffload, BUSY_SPANS, BUSY_WINDOW_MS, type StartedHost } from "../../src/processor/offload/auto";
import { getProcessorDefaults } from "../../src/processor/options";
import { RecordPipeline } from "../../src/processor/pipeline";
import type { QueuedSpan } from "../../src/processor/queue";
import type { SequenceState } from "../../src/processor/rollout";
import type { SinkResult, SpanSink } from "../../src/sinks/sink";
import { makeSpan } from "../helpers/spans";
import { sleep } from "./helpers";

/** A sink that appends every record it writes to a log shared by both sides of the move. */
function loggingSink(name: string, log: Array<{ side: string; record: CanonicalSpan }>): SpanSink {
  return {
    name,
    async write(records: CanonicalSpan[]): Promise<SinkResult> {
      for (const record of records) log.push({ side: name, record });
      return { ok: true };
    },
    async shutdown() {},
  };
}

/** The worker's host, played by a second pipeline in this thread. */
class StandInHost implements StartedHost {
  ready = false;
  adopted: SequenceState | undefined;
  readonly pipeline: RecordPipeline;
  constructor(log: Array<{ side: string; record: CanonicalSpan }>) {
    this.pipeline = new RecordPipeline({ sinks: [loggingSink("worker", log)] }, getProcessorDefaults());
  }
  adopt(state: SequenceState): void {
    this.adopted = state;
    this.pipeline.sequences.restore(state);
  }
  processChunked(next: () => QueuedSpan | undefined, onProgress?: (n: number) => void, waiting?: () => number): Promise<void> {
    return this.pipeline.processChunked(next, onProgress, waiting);
  }
  processSync(next: () => QueuedSpan | undefined): void {
    this.pipeline.processSync(next);
  }
  scheduleWrites(): void {
    this.pipeline.scheduleWrites();
  }
  flushLanes(): Promise<void> {
    return this.pipeline.flushLanes();
  }
  closeLanes(reason: string): void {
    this.pipeline.closeLanes(reason);
  }
  shutdownSinks(ms: number): Promise<void> {
    return this.pipeline.shutdownSinks(ms);
  }
  writeSyncAll(): void {
    this.pipeline.writeSyncAll();
  }
  snapshot(queue: { length: number; bytes: number }) {
    const out = this.pipeline.snapshot(queue);
    out.offload = { state: "running", workerErrors: 0, convertedHere: 0 };
    return out;
  }
}

/** An auto engine over an in-thread pipeline, its queue, and what its factory did. */
function setup(factory: "works" | "fails" = "works") {
  const log: Array<{ side: string; record: CanonicalSpan }> = [];
  const pipeline = new RecordPipeline({ sinks: [loggingSink("app", log)] }, getProcessorDefaults());
  const hosts: StandInHost[] = [];
  let starts = 0;
  const auto = new AutoOffload(pipeline, () => {
    starts++;
    if (factory === "fails") return undefined;
    const h = new StandInHost(log);
    hosts.push(h);
    return h;
  });
  const queue: QueuedSpan[] = [];
  let made = 0;
  const add = (n: number): void => {
    for (let i = 0; i < n; i++, made++) queue.push({ span: makeSpan({ name: `s-${made}` }), bytes: 100 });
  };
  /** One export run, its records written. */
  const run = async (): Promise<void> => {
    await auto.processChunked(() => queue.shift());
    auto.scheduleWrites();
    await auto.flushLanes();
  };
  /** One export run alone: a partial batch stays in the lanes. */
  const process = (): Promise<void> => auto.processChunked(() => queue.shift());
  return { auto, log, hosts, add, run, process, starts: () => starts, state: () => auto.snapshot({ length: 0, bytes: 0 }).offload };
}

describe('offload "auto": when the worker starts', () => {
  it("not below the rate: every span is processed in-thread", async () => {
    const t = setup();
    t.add(BUSY_SPANS - 1);
    await t.run();
    expect(t.starts()).toBe(0);
    expect(t.state()).toEqual({ state: "standby", workerErrors: 0, convertedHere: 0 });
    expect(t.log.every((e) => e.side === "app")).toBe(true);
    expect(t.log).toHaveLength(BUSY_SPANS - 1);
  });

  it(`not for spans spread wider than ${BUSY_WINDOW_MS} ms`, async () => {
    const t = setup();
    t.add(BUSY_SPANS * 0.6);
    await t.run();
    await sleep(BUSY_WINDOW_MS + 100);
    t.add(BUSY_SPANS * 0.6); // more than BUSY_SPANS in all, never within one window
    await t.run();
    expect(t.starts()).toBe(0);
  });

  it("at the rate, once; spans are still processed here while the worker loads", async () => {
    const t = setup();
    t.add(BUSY_SPANS + 500);
    await t.run();
    t.add(500);
    await t.run();
    expect(t.starts()).toBe(1);
    expect(t.state()?.state).toBe("standby");
    expect(t.log.map((e) => e.side)).toEqual(Array(BUSY_SPANS + 1000).fill("app"));
    expect(t.hosts[0]!.adopted).toBeUndefined();
  });
});

describe('offload "auto": the move', () => {
  it("loses and doubles nothing, keeps the order, and numbering goes on in the worker", async () => {
    const t = setup();
    t.add(BUSY_SPANS + 200);
    await t.run();
    const host = t.hosts[0]!;
    host.ready = true;
    t.add(300);
    await t.run();
    t.add(100); // a later run goes straight to the worker
    await t.run();

    const names = t.log.map((e) => e.record.name);
    expect(names).toEqual(Array.from({ length: BUSY_SPANS + 600 }, (_, i) => `s-${i}`));
    expect(t.log.map((e) => e.record.sequenceId)).toEqual(Array.from({ length: BUSY_SPANS + 600 }, (_, i) => i + 1));
    // The first span after the worker got ready is still processed here; every one after it there.
    const here = t.log.filter((e) => e.side === "app").length;
    expect(here).toBe(BUSY_SPANS + 201);
    expect(t.log.slice(here).every((e) => e.side === "worker")).toBe(true);
    expect(host.adopted).toMatchObject({ process: here, global: here });
    expect(t.state()?.state).toBe("running");
  });

  it("waits for the in-thread lanes: their records are written before the worker's first", async () => {
    const t = setup();
    t.add(BUSY_SPANS + 10);
    await t.process();
    // A partial batch is still in the in-thread lane (written after scheduledDelayMillis, or by a flush).
    expect(t.log.length).toBeLessThan(BUSY_SPANS + 10);
    t.hosts[0]!.ready = true;
    t.add(5);
    await t.process();
    t.auto.scheduleWrites();
    await t.auto.flushLanes();
    const sides = t.log.map((e) => e.side);
    expect(sides).toHaveLength(BUSY_SPANS + 15);
    expect(sides.indexOf("worker")).toBe(sides.lastIndexOf("app") + 1);
  });

  it("is not made once the processor closed", async () => {
    const t = setup();
    t.add(BUSY_SPANS + 1);
    await t.run();
    t.hosts[0]!.ready = true;
    t.auto.closeLanes("shutdown_timeout");
    t.add(10);
    await t.process(); // a span after ready would otherwise hand over
    expect(t.hosts[0]!.adopted).toBeUndefined();
  });
});

describe('offload "auto": a worker that cannot start', () => {
  it("leaves the processor in-thread for good, and says so in stats()", async () => {
    const t = setup("fails");
    t.add(BUSY_SPANS * 3);
    await t.run();
    expect(t.starts()).toBe(1);
    expect(t.state()).toEqual({ state: "failed", workerErrors: 1, convertedHere: 0 });
    expect(t.log).toHaveLength(BUSY_SPANS * 3);
    expect(t.log.map((e) => e.record.sequenceId)).toEqual(Array.from({ length: BUSY_SPANS * 3 }, (_, i) => i + 1));
  });
});
