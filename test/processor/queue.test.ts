import { estimateSpanBytes, Fifo, SpanQueue } from "../../src/processor/queue";
import { makeSpan } from "../helpers/spans";

describe("Fifo", () => {
  it("keeps order across pushes, shifts and compaction", () => {
    const f = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      f.push(i);
      if (i % 3 === 0) out.push(f.shift()!);
    }
    while (f.length > 0) out.push(f.shift()!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(f.shift()).toBeUndefined();
  });

  it("drains everything oldest first", () => {
    const f = new Fifo<string>();
    ["a", "b", "c"].forEach((x) => f.push(x));
    f.shift();
    expect(f.drain()).toEqual(["b", "c"]);
    expect(f.length).toBe(0);
  });
});

describe("estimateSpanBytes", () => {
  it("grows with attribute, event and link string sizes", () => {
    const small = estimateSpanBytes(makeSpan({ attributes: { a: "x" } }));
    const big = estimateSpanBytes(makeSpan({ attributes: { a: "x".repeat(10_000) } }));
    const withEvent = estimateSpanBytes(makeSpan({ attributes: { a: "x" }, events: [{ name: "e", attributes: { m: "y".repeat(3000) } }] }));
    expect(big - small).toBeGreaterThanOrEqual(9999);
    expect(withEvent - small).toBeGreaterThanOrEqual(3000);
  });

  it("never throws on hostile spans", () => {
    const hostile = {
      get attributes(): never {
        throw new Error("getter");
      },
    };
    expect(estimateSpanBytes(hostile as never)).toBeGreaterThan(0);
  });
});

describe("SpanQueue", () => {
  const span = (n: number) => makeSpan({ attributes: { blob: "x".repeat(n) } });

  it("bounds by count at offer time, incoming included", () => {
    const q = new SpanQueue(3, 1e9);
    const s = span(1);
    expect([q.offer(s), q.offer(s), q.offer(s), q.offer(s)]).toEqual([true, true, true, false]);
    q.admit(() => undefined);
    expect(q.offer(s)).toBe(false);
    expect(q.length).toBe(3);
  });

  it("bounds by estimated bytes at admission, dropping the newest", () => {
    const spans = [span(2000), span(2000), span(2000), span(10)];
    const [big, small] = [estimateSpanBytes(spans[0]!), estimateSpanBytes(spans[3]!)];
    const q = new SpanQueue(100, 2 * big + small); // room for two big ones and the small one
    spans.forEach((s) => q.offer(s));
    const rejected: unknown[] = [];
    q.admit((s) => rejected.push(s));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBe(spans[2]); // the small newest one still fits
    expect(q.admittedLength).toBe(3);
    expect(q.bytes).toBe(estimateSpanBytes(spans[0]!) * 2 + estimateSpanBytes(spans[3]!));
    expect(q.take()!.span).toBe(spans[0]);
    expect(q.bytes).toBe(estimateSpanBytes(spans[0]!) + estimateSpanBytes(spans[3]!));
  });

  it("admits one oversized span into an empty queue (conversion truncates it)", () => {
    const q = new SpanQueue(10, 100);
    q.offer(span(5000));
    const rejected: unknown[] = [];
    q.admit((s) => rejected.push(s));
    expect(rejected).toHaveLength(0);
    expect(q.admittedLength).toBe(1);
  });

  it("keeps order past the incoming buffer's growth, and takes a span ended during admission next time", () => {
    const q = new SpanQueue(10_000, 1e9);
    const spans = Array.from({ length: 3000 }, () => span(1)); // beyond the initial capacity: the buffer doubles
    spans.forEach((s) => q.offer(s));
    const late = span(1);
    // A drop warning's diag logger could end a span while admission runs: it must not be lost or taken twice.
    const tight = new SpanQueue(10_000, estimateSpanBytes(spans[0]!) * 2);
    spans.slice(0, 3).forEach((s) => tight.offer(s));
    tight.admit(() => tight.offer(late));
    expect(tight.admittedLength).toBe(2);
    expect(tight.length).toBe(3); // two admitted, `late` incoming
    tight.take();
    tight.admit(() => undefined);
    expect([tight.take()!.span, tight.take()!.span]).toEqual([spans[1], late]);
    q.admit(() => undefined);
    const out = [];
    for (let t = q.take(); t; t = q.take()) out.push(t.span);
    expect(out).toEqual(spans);
  });

  it("counts taken and cleared spans for flush marks", () => {
    const q = new SpanQueue(10, 1e9);
    for (let i = 0; i < 4; i++) q.offer(span(1));
    q.admit(() => undefined);
    q.take();
    q.offer(span(1));
    expect(q.clear()).toBe(4);
    expect([q.admittedTotal, q.takenTotal, q.length, q.bytes]).toEqual([4, 4, 0, 0]);
  });
});
