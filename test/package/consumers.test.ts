/**
 * The BUILT package from the outside: an ES module consumer and a CommonJS consumer, each a
 * plain `node` child process in a project where `node_modules/canonspan` links to this
 * repository. Both convert a span, run it through the processor into a MemorySink, load
 * `canonspan/register` (with OTEL_SDK_DISABLED=true: no side effect) and `canonspan/schema.json`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { consumerEnv, exec, makeConsumer, REPO_ROOT, requireBuilt, type Consumer, type ExecResult } from "./package-helpers";

/** A hand-built ReadableSpan (structural: every SDK line has this shape). Shared by both consumers. */
const FAKE_SPAN = `{
  name: "chat gpt-4o-mini",
  kind: 2,
  spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }),
  startTime: [1700000000, 0],
  endTime: [1700000001, 500000000],
  status: { code: 0 },
  attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 42, "gen_ai.usage.output_tokens": 17 },
  links: [],
  events: [],
  resource: { attributes: { "service.name": "consumer" } },
  instrumentationScope: { name: "consumer-test" },
}`;

/** What each consumer prints: the same facts from either module system. */
const REPORT = `
  const record = toCanonicalSpan(span);
  const sink = new MemorySink();
  const processor = new CanonicalSpanProcessor({ sinks: [sink], exitHooks: false });
  processor.onEnd(span);
  await processor.forceFlush();
  await processor.shutdown();
  console.log(JSON.stringify({
    exports: Object.keys(canonspan).sort(),
    registerExports: Object.keys(registerModule).sort(),
    // canonspan/register uses the same copy of the library as the app (no second bundle).
    sharedLibrary: registerModule.sinksFromSpecs([{ kind: "console", style: "json" }])[0] instanceof canonspan.ConsoleSink,
    schemaId: schema.$id,
    record: { schema: record.schema, type: record.type, model: record.llm && record.llm.requestModel, usage: record.usage },
    delivered: sink.records.map((r) => ({ spanId: r.spanId, type: r.type, sequenceId: r.sequenceId })),
    tracerProvider: globalThis[Symbol.for("opentelemetry.js.api.1")] ? Object.keys(globalThis[Symbol.for("opentelemetry.js.api.1")]) : [],
  }));
`;

const ESM_CONSUMER = `
import { createRequire } from "node:module";
import * as canonspan from "canonspan";
import { CanonicalSpanProcessor, MemorySink, toCanonicalSpan } from "canonspan";
import * as registerModule from "canonspan/register";
const schema = createRequire(import.meta.url)("canonspan/schema.json");
const span = ${FAKE_SPAN};
${REPORT}
`;

const CJS_CONSUMER = `
"use strict";
const canonspan = require("canonspan");
const { CanonicalSpanProcessor, MemorySink, toCanonicalSpan } = require("canonspan");
const registerModule = require("canonspan/register");
const schema = require("canonspan/schema.json");
const span = ${FAKE_SPAN};
(async () => {
${REPORT}
})().catch((e) => { console.error(e); process.exitCode = 1; });
`;

interface Report {
  exports: string[];
  registerExports: string[];
  sharedLibrary: boolean;
  schemaId: string;
  record: { schema: string; type: string; model: string; usage: Record<string, unknown> };
  delivered: Array<{ spanId: string; type: string; sequenceId: number }>;
  tracerProvider: string[];
}

let consumer: Consumer;
const results: Record<"esm" | "cjs", ExecResult> = {} as never;

beforeAll(async () => {
  requireBuilt();
  consumer = makeConsumer("canonspan-consumer-");
  const esm = consumer.write("esm-consumer.mjs", ESM_CONSUMER);
  const cjs = consumer.write("cjs-consumer.cjs", CJS_CONSUMER);
  const env = consumerEnv({ OTEL_SDK_DISABLED: "true" });
  results.esm = await exec(process.execPath, [esm], { cwd: consumer.dir, env });
  results.cjs = await exec(process.execPath, [cjs], { cwd: consumer.dir, env });
}, 120_000);

afterAll(() => consumer?.remove());

const report = (kind: "esm" | "cjs"): Report => JSON.parse(results[kind].stdout) as Report;

describe.each(["esm", "cjs"] as const)("built package, %s consumer", (kind) => {
  it("runs without error", () => {
    expect(results[kind]).toMatchObject({ code: 0, stderr: "" });
  });

  it("exposes the public API of SPEC.md §2", () => {
    expect(report(kind).exports).toEqual(
      expect.arrayContaining([
        "CanonicalSpanProcessor",
        "CanonicalSpanExporter",
        "toCanonicalSpan",
        "FileSink",
        "ConsoleSink",
        "OtlpSink",
        "MemorySink",
        "withRollout",
      ]),
    );
  });

  it("converts a span, and delivers it through the processor to a sink", () => {
    const r = report(kind);
    expect(r.record).toEqual({
      schema: "canonspan/v1",
      type: "LLM",
      model: "gpt-4o-mini",
      usage: { inputTokens: 42, outputTokens: 17, totalTokens: 59, aggregate: false },
    });
    expect(r.delivered).toEqual([{ spanId: "b7ad6b7169203331", type: "LLM", sequenceId: 1 }]);
  });

  it("loads canonspan/register (a no-op under OTEL_SDK_DISABLED=true) and canonspan/schema.json", () => {
    const r = report(kind);
    expect(r.registerExports).toEqual(expect.arrayContaining(["register"]));
    expect(r.sharedLibrary).toBe(true);
    expect(r.tracerProvider).not.toContain("trace");
    expect(r.schemaId).toBe(JSON.parse(readFileSync(join(REPO_ROOT, "schema.json"), "utf8")).$id);
  });
});

describe("built package, both module systems", () => {
  it("export the same names", () => {
    expect(report("esm").exports).toEqual(report("cjs").exports);
    expect(report("esm").registerExports).toEqual(report("cjs").registerExports);
  });
});
