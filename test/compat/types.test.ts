/**
 * Type-level contract: the SDK's own types fit canonspan's public API (checked by `tsc` over the
 * test tree, `npm run typecheck`), and the objects behave at run time.
 */
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { CanonicalSpanExporter, CanonicalSpanProcessor, MemorySink, toCanonicalSpan } from "../../src/index";
import { makeSpan } from "../helpers/spans";

describe("public types fit the OTel SDK", () => {
  it("accepts a ReadableSpan and is a SpanProcessor / SpanExporter", async () => {
    const span: ReadableSpan = makeSpan({ name: "x" });
    expect(toCanonicalSpan(span).name).toBe("x");
    const processor: SpanProcessor = new CanonicalSpanProcessor({ sinks: [new MemorySink()], exitHooks: false });
    const exporter: SpanExporter = new CanonicalSpanExporter({ sinks: [new MemorySink()] });
    await processor.shutdown();
    await exporter.shutdown();
  });
});
