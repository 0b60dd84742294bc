import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logger } from "../../src/internal/diag";
import type { CanonicalSpan } from "../../src/model/record";
import { SinkLane } from "../../src/processor/lane";
import { StatsRecorder } from "../../src/processor/stats";
import { encodeRecord } from "../../src/serialize/jsonl";
import { ARENA_BYTES, LineArenas, lineView, type LineBytes } from "../../src/sinks/arena";
import { FileSink } from "../../src/sinks/file-sink";
import type { SpanSink } from "../../src/sinks/sink";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

const text = (l: LineBytes): string => lineView(l).toString("utf8");

describe("LineArenas", () => {
  it("stores each line as UTF-8 with its newline, back to back", () => {
    const a = new LineArenas();
    const x = a.add("héllo");
    const y = a.add("😀");
    expect([text(x), text(y)]).toEqual(["héllo\n", "😀\n"]);
    expect(y.arena).toBe(x.arena);
    expect(y.start).toBe(x.end);
  });

  it("reuses an arena's bytes only once every line in it was released", () => {
    const a = new LineArenas();
    const x = a.add("first");
    const y = a.add("second");
    a.release(x);
    const z = a.add("third"); // y still waits: nothing is overwritten
    expect([text(y), text(z)]).toEqual(["second\n", "third\n"]);
    a.release(y);
    a.release(z);
    const w = a.add("fourth"); // all released: the arena starts over
    expect(w.start).toBe(0);
    expect(w.arena).toBe(x.arena);
  });

  it("moves to a pooled arena when one fills, and keeps lines larger than an arena in a buffer of their own", () => {
    // Arenas are compared by identity (a failing toBe on a 1 MiB Buffer would print it).
    const a = new LineArenas();
    const chunk = "x".repeat(ARENA_BYTES / 4);
    const first = a.add(chunk);
    const second = a.add(chunk); // room is checked at 3 bytes per character: a second arena
    expect(second.arena === first.arena).toBe(false);
    expect([text(first).length, text(second).length]).toEqual([chunk.length + 1, chunk.length + 1]);
    a.release(first); // `first` was full and is now free: pooled
    const third = a.add(chunk); // `second` has no room left for another: the pooled arena comes back
    expect(third.arena === first.arena).toBe(true);
    expect(third.start).toBe(0);
    const big = a.add("y".repeat(ARENA_BYTES));
    expect(big.arena === first.arena || big.arena === second.arena).toBe(false);
    expect(big.arena.buf.length).toBeGreaterThan(ARENA_BYTES);
    expect(text(big).length).toBe(ARENA_BYTES + 1);
  });

  it("undo gives back the bytes of the last line", () => {
    const a = new LineArenas();
    const x = a.add("keep");
    const y = a.add("refused");
    a.undo(y);
    expect(a.add("next").start).toBe(x.end);
  });
});

describe("FileSink lines in arenas, through a lane with writes in flight", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "canonspan-arena-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes every line intact while new lines keep arriving during asynchronous writes", async () => {
    const sink = new FileSink({ path: join(dir, "a.jsonl") });
    const stats = new StatsRecorder(logger("test"));
    const lane = new SinkLane(sink as SpanSink, "file", { maxCount: 100_000, maxBytes: 1e9, batchSize: 50, timeoutMs: 0 }, stats);
    const expected: string[] = [];
    // ~3 MB of lines of varied sizes and scripts: several arenas, each reused after its writes settle.
    for (let turn = 0; turn < 40; turn++) {
      for (let i = 0; i < 50; i++) {
        const n = turn * 50 + i;
        const r: CanonicalSpan = toCanonicalSpan(makeSpan({ name: `s-${n}`, attributes: { body: (n % 3 === 0 ? "é😀" : "ab").repeat((n * 37) % 700) } }));
        expected.push(encodeRecord(r));
        lane.offer(r, 100);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    lane.kick();
    await lane.whenSettled();
    await sink.shutdown();
    const got = readFileSync(join(dir, "a.jsonl"), "utf8").split("\n");
    expect(got.pop()).toBe("");
    expect(got.length).toBe(expected.length);
    // Compared line by line, reporting only the first difference (the file is megabytes).
    const firstDiff = got.findIndex((l, i) => l !== expected[i]);
    expect(firstDiff).toBe(-1);
    expect(stats.snapshot({ length: 0, bytes: 0 }, {}).dropped).toEqual({});
  });
});
