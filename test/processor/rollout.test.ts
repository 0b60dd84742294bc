import { context, diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CanonicalSpanProcessor } from "../../src/processor/processor";
import { getRolloutIds, SequenceCounters, withRollout } from "../../src/processor/rollout";
import { RecordingSink, sleep, tracerWith } from "./helpers";

let manager: AsyncLocalStorageContextManager;
beforeAll(() => {
  manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
});
afterAll(() => {
  context.disable();
});

function setup(opts: { rolloutId?: string; attemptId?: string } = {}, resource = {}) {
  const sink = new RecordingSink();
  const p = new CanonicalSpanProcessor({ sinks: [sink], exitHooks: false, ...opts });
  const { tracer } = tracerWith(p, resource);
  return { sink, p, tracer };
}

describe("withRollout", () => {
  it("returns fn's result and exposes the ids only inside", async () => {
    expect(withRollout({ rolloutId: "ro-1", attemptId: "at-1" }, () => 42)).toBe(42);
    const inside = await withRollout({ rolloutId: "ro-1", attemptId: "at-1" }, async () => {
      await sleep(1);
      return getRolloutIds();
    });
    expect(inside).toEqual({ rolloutId: "ro-1", attemptId: "at-1" });
    expect(getRolloutIds()).toBeUndefined();
  });

  it("runs fn without ids (and warns) when the ids are invalid", () => {
    const warnings: string[] = [];
    diag.setLogger({ warn: (...a: unknown[]) => warnings.push(a.join(" ")), error() {}, info() {}, debug() {}, verbose() {} } as DiagLogger, {
      logLevel: DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    });
    try {
      const seen = withRollout({ rolloutId: 7 as never }, () => getRolloutIds());
      expect(seen).toBeUndefined();
      expect(warnings.some((w) => w.includes("rolloutId must be a non-empty string"))).toBe(true);
    } finally {
      diag.disable();
    }
  });

  it("puts the ids on every span started inside, across awaits and in children", async () => {
    const { sink, p, tracer } = setup();
    await withRollout({ rolloutId: "ro-9", attemptId: "at-3" }, async () => {
      const parent = tracer.startSpan("parent");
      await sleep(1);
      tracer.startSpan("child").end();
      parent.end();
    });
    tracer.startSpan("outside").end();
    await p.forceFlush();
    const byName = Object.fromEntries(sink.records.map((r) => [r.name, r]));
    expect(byName.parent).toMatchObject({ rolloutId: "ro-9", attemptId: "at-3" });
    expect(byName.child).toMatchObject({ rolloutId: "ro-9", attemptId: "at-3" });
    expect(byName.child!.sources.rolloutId).toBe("context:withRollout");
    expect(byName.outside!.rolloutId).toBeUndefined();
    await p.shutdown();
  });

  describe("precedence: context → span attributes → resource attributes → options", () => {
    const attrs = { "agentlightning.rollout_id": "ro-attr", "agentlightning.attempt_id": "at-attr" };
    const resource = { "agentlightning.rollout_id": "ro-res", "agentlightning.attempt_id": "at-res" };
    const options = { rolloutId: "ro-opt", attemptId: "at-opt" };

    it.each([
      ["context wins over everything", true, attrs, resource, ["ro-ctx", "at-ctx"]],
      ["span attributes win over resource and options", false, attrs, resource, ["ro-attr", "at-attr"]],
      ["resource attributes win over options", false, {}, resource, ["ro-res", "at-res"]],
      ["options are the last resort", false, {}, {}, ["ro-opt", "at-opt"]],
    ] as const)("%s", async (_label, inContext, spanAttrs, res, expected) => {
      const { sink, p, tracer } = setup(options, res);
      const start = () => tracer.startSpan("s", { attributes: spanAttrs }).end();
      if (inContext) withRollout({ rolloutId: "ro-ctx", attemptId: "at-ctx" }, start);
      else start();
      await p.forceFlush();
      expect([sink.records[0]!.rolloutId, sink.records[0]!.attemptId]).toEqual(expected);
      await p.shutdown();
    });
  });
});

describe("sequenceId", () => {
  it("is strictly increasing in end order within each attempt, and per process without one", async () => {
    const { sink, p, tracer } = setup();
    const a = withRollout({ rolloutId: "ro", attemptId: "A" }, () => [tracer.startSpan("a0"), tracer.startSpan("a1"), tracer.startSpan("a2")]);
    const b = withRollout({ rolloutId: "ro", attemptId: "B" }, () => [tracer.startSpan("b0"), tracer.startSpan("b1")]);
    const none = [tracer.startSpan("n0"), tracer.startSpan("n1")];
    // End order interleaves the attempts and differs from start order.
    for (const s of [a[2]!, b[1]!, none[0]!, a[0]!, b[0]!, a[1]!, none[1]!]) s.end();
    await p.forceFlush();
    const seq = (attempt: string | undefined) => sink.records.filter((r) => r.attemptId === attempt).map((r) => [r.name, r.sequenceId]);
    expect(seq("A")).toEqual([["a2", 1], ["a0", 2], ["a1", 3]]);
    expect(seq("B")).toEqual([["b1", 1], ["b0", 2]]);
    expect(seq(undefined)).toEqual([["n0", 1], ["n1", 2]]);
    await p.shutdown();
  });

  it("stays strictly increasing for an attempt evicted from the bounded counter map", () => {
    const c = new SequenceCounters(2);
    expect([c.next("r", "a"), c.next("r", "a")]).toEqual([1, 2]);
    c.next("r", "b");
    c.next("r", "c"); // evicts "a" (least recently used)
    const again = c.next("r", "a");
    expect(again).toBeGreaterThan(2);
    expect(c.next("r", "a")).toBe(again + 1);
    expect(c.next(undefined, undefined)).toBe(1);
  });
});
