import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CanonicalSpan } from "../../src/model/record";
import { SinkLane, type LaneLimits } from "../../src/processor/lane";
import { StatsRecorder } from "../../src/processor/stats";
import { logger } from "../../src/internal/diag";
import { FileSink } from "../../src/sinks/file-sink";
import type { Encoded, EncodeResult, SinkResult, SpanSink } from "../../src/sinks/sink";

const LIMITS: LaneLimits = { maxCount: 100, maxBytes: 1 << 20, batchSize: 4, timeoutMs: 1000 };

function record(name: string): CanonicalSpan {
  return { schema: "canonspan/v1", traceId: "t".repeat(32), spanId: "s".repeat(16), name, extras: {} } as unknown as CanonicalSpan;
}

/** A sink that encodes records as their names and records what each method received. */
class EncodingSink implements SpanSink<string> {
  readonly name = "enc";
  encoded: CanonicalSpan[] = [];
  batches: Array<readonly Encoded<string>[]> = [];
  syncBatches: Array<readonly Encoded<string>[]> = [];
  plainWrites = 0;
  refuse = new Set<string>();
  throwOn = new Set<string>();

  encode(r: CanonicalSpan): EncodeResult<string> {
    if (this.throwOn.has(r.name)) throw new Error("encoder crashed");
    if (this.refuse.has(r.name)) return { ok: false, reason: "too_big" };
    this.encoded.push(r);
    return { ok: true, value: `<${r.name}>`, bytes: 100 };
  }
  async writeEncoded(batch: readonly Encoded<string>[]): Promise<SinkResult> {
    this.batches.push(batch);
    return { ok: true };
  }
  writeEncodedSync(batch: readonly Encoded<string>[]): void {
    this.syncBatches.push(batch);
  }
  async write(): Promise<SinkResult> {
    this.plainWrites++;
    return { ok: true };
  }
  async shutdown(): Promise<void> {}
}

function lane(sink: SpanSink<never> | SpanSink<string> | FileSink, limits = LIMITS): { lane: SinkLane; stats: StatsRecorder } {
  const stats = new StatsRecorder(logger("test"));
  return { lane: new SinkLane(sink as SpanSink, sink.name, limits, stats), stats };
}

describe("SinkLane with an encoding sink", () => {
  it("encodes each record on arrival and writes the encodings, never the records", async () => {
    const sink = new EncodingSink();
    const { lane: l, stats } = lane(sink);
    for (const n of ["a", "b", "c"]) l.offer(record(n), 10);
    expect(sink.encoded.map((r) => r.name)).toEqual(["a", "b", "c"]); // before any write
    l.kick();
    await l.whenSettled();
    expect(sink.plainWrites).toBe(0);
    expect(sink.batches.map((b) => b.map((e) => e.value))).toEqual([["<a>", "<b>", "<c>"]]);
    expect(stats.snapshot({ length: 0, bytes: 0 }, {}).exported).toEqual({ enc: 3 });
  });

  it("bounds the backlog by the encoded size, not the estimate", () => {
    const sink = new EncodingSink(); // 100 bytes per encoding
    const { lane: l, stats } = lane(sink, { ...LIMITS, maxBytes: 250, batchSize: 100 });
    for (const n of ["a", "b", "c", "d"]) l.offer(record(n), 1);
    expect(l.pending).toBe(2);
    expect(stats.snapshot({ length: 0, bytes: 0 }, {}).dropped).toEqual({ "sink_backlog_full:enc": 2 });
  });

  it("counts a refused or throwing encode as sink_error and keeps the rest", async () => {
    const sink = new EncodingSink();
    sink.refuse.add("big");
    sink.throwOn.add("bad");
    const { lane: l, stats } = lane(sink);
    for (const n of ["a", "big", "bad", "b"]) l.offer(record(n), 10);
    l.kick();
    await l.whenSettled();
    expect(sink.batches.flat().map((e) => e.value)).toEqual(["<a>", "<b>"]);
    const snap = stats.snapshot({ length: 0, bytes: 0 }, {});
    expect(snap.dropped).toEqual({ "sink_error:enc": 2 });
    expect(snap.exported).toEqual({ enc: 2 });
  });

  it("hands the backlog to writeEncodedSync on the exit path", () => {
    const sink = new EncodingSink();
    const { lane: l } = lane(sink, { ...LIMITS, batchSize: 100 });
    for (const n of ["a", "b"]) l.offer(record(n), 10);
    l.writeSyncBacklog();
    expect(sink.syncBatches.map((b) => b.map((e) => e.value))).toEqual([["<a>", "<b>"]]);
    expect(l.pending).toBe(0);
  });
});

describe("FileSink through a lane", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "canonspan-lane-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the same lines through encode/writeEncoded as through write, and counts a too-long line", async () => {
    const viaLane = new FileSink({ path: join(dir, "lane.jsonl"), maxLineBytes: 400 });
    const direct = new FileSink({ path: join(dir, "direct.jsonl"), maxLineBytes: 400 });
    const records = [record("a"), record("x".repeat(1000)), record("b")];
    const { lane: l, stats } = lane(viaLane);
    for (const r of records) l.offer(r, 10);
    l.kick();
    await l.whenSettled();
    await direct.write(records);
    const laneText = readFileSync(join(dir, "lane.jsonl"), "utf8");
    expect(laneText).toBe(readFileSync(join(dir, "direct.jsonl"), "utf8"));
    expect(laneText.trim().split("\n").map((line) => JSON.parse(line).name)).toEqual(["a", "b"]);
    expect(viaLane.stats().dropped).toEqual({ line_too_large: 1 });
    expect(stats.snapshot({ length: 0, bytes: 0 }, {}).dropped).toEqual({ "sink_error:file": 1 });
    await Promise.all([viaLane.shutdown(), direct.shutdown()]);
  });
});
