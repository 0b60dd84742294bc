import type { DiagLogger } from "@opentelemetry/api";
import { StatsRecorder, WARN_INTERVAL_MS } from "../../src/processor/stats";

function recorder() {
  const warnings: string[] = [];
  let now = 1_000_000;
  const log = { warn: (m: string) => warnings.push(m) } as unknown as DiagLogger;
  const stats = new StatsRecorder(log, () => now);
  return { stats, warnings, advance: (ms: number) => (now += ms) };
}

describe("StatsRecorder", () => {
  it("counts drops by reason and warns at most once per reason per interval", () => {
    const { stats, warnings, advance } = recorder();
    stats.drop("queue_full_count");
    stats.drop("queue_full_count", 4);
    stats.drop("sink_error:file", 2, "EACCES");
    expect(warnings).toEqual(["dropped 1 span(s): queue_full_count; see stats()", "dropped 2 span(s): sink_error:file (EACCES); see stats()"]);
    advance(WARN_INTERVAL_MS);
    stats.drop("queue_full_count");
    expect(warnings[2]).toBe("dropped 5 span(s) in the last 30s: queue_full_count; see stats()");
    expect(Object.fromEntries(stats.dropped)).toEqual({ queue_full_count: 6, "sink_error:file": 2 });
  });

  it("counts filtered spans without warning or calling them lost", () => {
    const { stats, warnings } = recorder();
    stats.received = 3;
    stats.drop("filtered", 3);
    expect(warnings).toEqual([]);
    expect(stats.lost()).toBe(0);
    expect(stats.summary()).toBeUndefined();
  });

  it("summarizes real losses in one line", () => {
    const { stats } = recorder();
    stats.received = 10;
    stats.drop("filtered", 2);
    stats.drop("shutdown_timeout", 3);
    stats.drop("sink_timeout:otlp", 1);
    expect(stats.summary()).toBe("dropped 4 of 10 span(s): shutdown_timeout=3, sink_timeout:otlp=1");
  });

  it("snapshots plain data", () => {
    const { stats } = recorder();
    stats.received = 2;
    stats.converted = 2;
    stats.addExported("file", 2);
    const s = stats.snapshot({ length: 1, bytes: 10 }, { file: 0 });
    expect(s).toEqual({
      received: 2,
      converted: 2,
      exported: { file: 2 },
      dropped: {},
      queueLength: 1,
      queueBytes: 10,
      backlog: { file: 0 },
      afterShutdown: { onStart: 0, onEnd: 0, forceFlush: 0, export: 0 },
    });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
