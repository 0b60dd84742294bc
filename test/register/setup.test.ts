/**
 * `register()` in-process (the zero-code `--import`/`--require` entry is run in child processes by
 * test/examples/http-zero-code.test.ts and test/package/consumers.test.ts).
 */
import { trace } from "@opentelemetry/api";
import { MemorySink } from "../../src/sinks/memory-sink";
import { register, sinksFromSpecs } from "../../src/register/setup";

describe("register()", () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it("does nothing with OTEL_SDK_DISABLED=true", async () => {
    process.env.OTEL_SDK_DISABLED = "TRUE";
    const handle = register({ sinks: [new MemorySink()] });
    expect(handle.provider).toBeUndefined();
    expect(handle.processor).toBeUndefined();
    await handle.shutdown();
  });

  it("traces through the processor into the given sinks, with OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES", async () => {
    process.env.OTEL_SERVICE_NAME = "svc-under-test";
    process.env.OTEL_RESOURCE_ATTRIBUTES = "deployment.environment.name=test";
    const memory = new MemorySink();
    const handle = register({ sinks: [memory], instrumentations: false, exitHooks: false });
    const span = trace.getTracer("t").startSpan("chat m", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m" } });
    span.end();
    await handle.forceFlush();
    expect(memory.records).toHaveLength(1);
    const r = memory.records[0]!;
    expect(r.type).toBe("LLM");
    expect(r.resource.attributes["service.name"]).toBe("svc-under-test");
    expect(r.resource.attributes["deployment.environment.name"]).toBe("test");
    await handle.shutdown();
    await handle.shutdown(); // idempotent
    // The globals are released: a later span goes nowhere.
    trace.getTracer("t").startSpan("after").end();
    expect(memory.records).toHaveLength(1);
  });

  it("builds sinks from CANONSPAN_SINKS-style specs, console to stderr", () => {
    const [consoleSink, fileSink] = sinksFromSpecs([{ kind: "console", style: "json" }, { kind: "file", path: "/tmp/canonspan-register-test.jsonl" }]);
    expect(consoleSink!.name).toBe("console");
    expect(fileSink!.name).toBe("file");
    void consoleSink!.shutdown();
    void fileSink!.shutdown();
  });
});
