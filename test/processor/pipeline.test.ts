/**
 * RecordPipeline's defensive paths: the converter and the redactor never throw by contract; if
 * one does, the span is counted (`convert_error`, `redact_error`), nothing half-built reaches a
 * sink, and the spans after it go through. Faults are injected by mocking the two modules.
 */
import type { CanonicalSpan } from "../../src/model/record";
import { getProcessorDefaults } from "../../src/processor/options";
import { RecordPipeline } from "../../src/processor/pipeline";
import { MemorySink } from "../../src/sinks/memory-sink";
import { makeSpan } from "../helpers/spans";

const faults = { convert: 0, redact: 0 };

jest.mock("../../src/convert/to-canonical", () => {
  const actual = jest.requireActual("../../src/convert/to-canonical");
  return {
    ...actual,
    toCanonicalSpan: (...args: unknown[]) => {
      if (faults.convert > 0 && faults.convert--) throw new Error("converter fault");
      return actual.toCanonicalSpan(...args);
    },
  };
});

jest.mock("../../src/processor/redact", () => {
  const actual = jest.requireActual("../../src/processor/redact");
  return {
    ...actual,
    createRedactor: (...args: unknown[]) => {
      const real = actual.createRedactor(...args);
      const wrapped = (record: CanonicalSpan) => {
        if (faults.redact > 0 && faults.redact--) throw new Error("redactor fault");
        return real(record);
      };
      Object.defineProperty(wrapped, "stats", { get: () => real.stats });
      return wrapped;
    },
  };
});

afterEach(() => {
  faults.convert = 0;
  faults.redact = 0;
});

function pipelineWith(sink: MemorySink): RecordPipeline {
  return new RecordPipeline({ sinks: [sink] }, getProcessorDefaults());
}

async function deliver(p: RecordPipeline, names: string[]): Promise<void> {
  for (const name of names) p.process(makeSpan({ name }), 100);
  p.kickAll();
  await p.flushLanes();
}

describe("RecordPipeline: a converter that throws", () => {
  it("counts the span as convert_error and goes on with the next ones", async () => {
    const sink = new MemorySink();
    const p = pipelineWith(sink);
    faults.convert = 1;
    await deliver(p, ["a", "b", "c"]);
    expect(sink.records.map((r) => [r.name, r.sequenceId])).toEqual([
      ["b", 1],
      ["c", 2],
    ]);
    const stats = p.snapshot({ length: 0, bytes: 0 });
    expect(stats.dropped).toEqual({ convert_error: 1 });
    expect(stats.converted).toBe(2);
  });
});

describe("RecordPipeline: a redactor that throws", () => {
  it("fails closed: the record reaches no sink, counted as redact_error", async () => {
    const sink = new MemorySink();
    const p = pipelineWith(sink);
    faults.redact = 1;
    await deliver(p, ["a", "b"]);
    expect(sink.records.map((r) => r.name)).toEqual(["b"]);
    const stats = p.snapshot({ length: 0, bytes: 0 });
    expect(stats.dropped).toEqual({ redact_error: 1 });
    expect(stats.converted).toBe(1);
  });
});
