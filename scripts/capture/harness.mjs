/**
 * Shared driver of the capture scripts: an OTel SDK 2.x tracer provider (and optionally a logger
 * provider) exporting to memory, the mock LLM server, and a loop that runs each scenario and
 * writes its spans and log records as one fixture file.
 *
 * Each capture script runs in its own process (run-all.mjs) because instrumentations patch the
 * `openai` module and register global providers.
 *
 * Command line of every capture script: `[--out <dir>] [--only <scenario,...>]`; the default
 * output folder is `test/fixtures/captured/<instrumentation>/`.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { logs } from "@opentelemetry/api-logs";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { startMockLlm } from "./mock-llm.mjs";
import { fixtureDocument, writeFixture } from "./serialize.mjs";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_OUT = join(REPO_ROOT, "test", "fixtures", "captured");
/** Every scenario a capture script may offer, in the order they run. */
export const SCENARIOS = ["chat", "stream", "tool", "embeddings", "error"];
/** How long to let late span ends (stream teardown, async callbacks) settle before collecting. */
const SETTLE_MS = 150;

/** `name@version` of an installed package (aliases report the real name and version). */
export function packageVersion(dir) {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", dir, "package.json"), "utf8"));
  return `${pkg.name}@${pkg.version}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers a global NodeTracerProvider (AsyncLocalStorage context manager, so parent/child
 * links follow async code) and, when `withLogs`, a global LoggerProvider; both export to memory.
 * `spanProcessors(exporter)` replaces the default `SimpleSpanProcessor(exporter)` (Langfuse
 * wraps the exporter in its own processor, as its users do).
 */
export function setupTelemetry({ withLogs = false, spanProcessors } = {}) {
  const resource = defaultResource().merge(resourceFromAttributes({ "service.name": "canonspan-capture" }));
  const spanExporter = new InMemorySpanExporter();
  const processors = spanProcessors ? spanProcessors(spanExporter) : [new SimpleSpanProcessor(spanExporter)];
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: processors });
  tracerProvider.register();
  let logExporter;
  let loggerProvider;
  if (withLogs) {
    logExporter = new InMemoryLogRecordExporter();
    loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
    logs.setGlobalLoggerProvider(loggerProvider);
  }
  return {
    tracerProvider,
    loggerProvider,
    async collect() {
      await sleep(SETTLE_MS);
      await tracerProvider.forceFlush();
      if (loggerProvider) await loggerProvider.forceFlush();
      const spans = [...spanExporter.getFinishedSpans()];
      const records = logExporter ? [...logExporter.getFinishedLogRecords()] : [];
      spanExporter.reset();
      logExporter?.reset();
      return { spans, logs: records };
    },
    async shutdown() {
      await tracerProvider.shutdown();
      if (loggerProvider) await loggerProvider.shutdown();
    },
  };
}

/**
 * Runs one capture: starts the mock, sets up telemetry (`spanProcessors({ exporter, mock })`
 * optional, see setupTelemetry), calls `setup({ mock, telemetry, tracerProvider, loggerProvider })`
 * once for a context (the same arguments as the live harness gives, so scenarios/*.mjs serve
 * both), then each scenario `(ctx) => Promise<{ notes?: string[] } | void>` and writes its
 * fixture. `scenarios` maps scenario name → function; a name mapped to a string is skipped and
 * the string (the reason) is printed. `notes` go into every fixture of the run,
 * `scenarioNotes[name]` after the scenario's own notes. Exits with code 1 when a scenario throws.
 */
export async function runCapture({ instrumentation, pkg, packages, withLogs = false, spanProcessors, setup, scenarios, notes = [], scenarioNotes = {} }) {
  const { values } = parseArgs({ options: { out: { type: "string" }, only: { type: "string" } } });
  const outDir = join(values.out ? resolve(values.out) : DEFAULT_OUT, instrumentation);
  const only = values.only ? new Set(values.only.split(",")) : undefined;
  const mock = await startMockLlm();
  const telemetry = setupTelemetry({ withLogs, spanProcessors: spanProcessors && ((exporter) => spanProcessors({ exporter, mock })) });
  let failed = false;
  try {
    const ctx = await setup({ mock, telemetry, tracerProvider: telemetry.tracerProvider, loggerProvider: telemetry.loggerProvider });
    await telemetry.collect(); // drop anything setup produced
    for (const scenario of SCENARIOS) {
      const run = scenarios[scenario];
      if (run === undefined || (only && !only.has(scenario))) continue;
      if (typeof run === "string") {
        console.log(`[${instrumentation}] skip ${scenario}: ${run}`);
        continue;
      }
      try {
        const result = (await run(ctx)) ?? {};
        const { spans, logs: records } = await telemetry.collect();
        const doc = fixtureDocument({
          instrumentation,
          pkg,
          scenario,
          sdk: packageVersion("@opentelemetry/sdk-trace-base"),
          packages: Object.fromEntries(packages.map((p) => packageVersion(p).split(/@(?=[^@]+$)/))),
          spans,
          logs: records,
          notes: [...notes, ...(result.notes ?? []), ...(scenarioNotes[scenario] ?? []), ...(spans.length === 0 ? ["The instrumentation emitted no span for this scenario."] : [])],
        });
        writeFixture(join(outDir, `${scenario}.json`), doc);
        console.log(`[${instrumentation}] ${scenario}: ${spans.length} span(s) [${spans.map((s) => s.name).join(", ")}], ${records.length} log(s)`);
      } catch (e) {
        failed = true;
        console.error(`[${instrumentation}] ${scenario} FAILED:`, e);
      }
    }
  } finally {
    await mock.close();
    await telemetry.shutdown();
  }
  if (failed) process.exitCode = 1;
}
