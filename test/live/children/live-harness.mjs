/**
 * Child-process side of the live end-to-end tests: a real instrumentation package runs against
 * the loopback mock LLM, and its spans go through canonspan's `CanonicalSpanProcessor` (the
 * TypeScript sources, via ./ts-hook.cjs) into a `MemorySink`. Nothing is replayed.
 *
 * Why a child process per instrumentation: instrumentations patch `openai` (or register
 * global providers) process-wide through require-in-the-middle, which hooks Node's own
 * `Module.prototype.require`; jest loads modules through its own registry, so a patch
 * registered inside a jest test never sees jest's `require("openai")`.
 *
 * Protocol: `node --require ts-hook.cjs <child>.mjs <out.json>`. The child writes
 * `{ meta, scenarios: { <name>: CanonicalSpan[] }, requests: { <name>: MockRequest[] }, stats, logStats }`
 * to `<out.json>` (`requests`: what the mock received, so tests compare records with what was
 * really sent instead of restating the scenario's literals) and exits 0; a
 * scenario that throws makes it exit 1 with the error on stderr.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { logs } from "@opentelemetry/api-logs";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { startMockLlm } from "../../../scripts/capture/mock-llm.mjs";

const require = createRequire(import.meta.url);
const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "src");

// The code under test, from source (ts-hook.cjs compiles it): not a possibly stale dist/.
const { CanonicalSpanProcessor } = require(join(SRC, "processor", "processor.ts"));
const { CanonicalLogRecordProcessor } = require(join(SRC, "processor", "log-events.ts"));
const { MemorySink } = require(join(SRC, "sinks", "memory-sink.ts"));

/** Late span ends (stream teardown, async callbacks) settle before a scenario's records are taken. */
const SETTLE_MS = 150;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the scenarios of one instrumentation and writes the records of each.
 *
 * @param {object} o
 * @param {boolean} [o.withLogs] register a LoggerProvider whose processor is canonspan's log-record companion
 * @param {(canonical: object, mock: object) => object[]} [o.spanProcessors] the provider's processors, given canonspan's and the mock (default: just canonspan's)
 * @param {(ctx: { mock: object, tracerProvider: object, loggerProvider?: object }) => any} o.setup called once; its result is passed to each scenario
 * @param {Record<string, (ctx: any) => Promise<unknown>>} o.scenarios
 * @param {object} [o.meta] the scenarios' own inputs the tests compare with (session ids, tags…), copied to the output
 */
export async function runLive({ withLogs = false, spanProcessors, setup, scenarios, meta = {} }) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: <child>.mjs <out.json>");
  const mock = await startMockLlm();
  const sink = new MemorySink();
  const logRecords = withLogs ? new CanonicalLogRecordProcessor() : undefined;
  // exitHooks off: the child ends through shutdown() below, and tests must see every record in the file.
  const processor = new CanonicalSpanProcessor({ sinks: [sink], logRecords, scheduledDelayMillis: 50, exitHooks: false });
  const resource = defaultResource().merge(resourceFromAttributes({ "service.name": "canonspan-live" }));
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: spanProcessors ? spanProcessors(processor, mock) : [processor] });
  tracerProvider.register();
  let loggerProvider;
  if (logRecords) {
    loggerProvider = new LoggerProvider({ resource, processors: [logRecords] });
    logs.setGlobalLoggerProvider(loggerProvider);
  }
  const result = { meta, scenarios: {}, requests: {}, stats: undefined, logStats: undefined };
  let failed = false;
  try {
    const ctx = await setup({ mock, tracerProvider, loggerProvider });
    for (const [name, run] of Object.entries(scenarios)) {
      try {
        await run(ctx);
      } catch (e) {
        failed = true;
        console.error(`[live] scenario ${name} failed:`, e);
      }
      await sleep(SETTLE_MS);
      await tracerProvider.forceFlush();
      result.scenarios[name] = sink.getRecords();
      result.requests[name] = mock.requests.splice(0);
      sink.clear();
    }
    result.stats = processor.stats();
    result.logStats = logRecords?.stats();
  } finally {
    await tracerProvider.shutdown();
    await loggerProvider?.shutdown();
    await mock.close();
  }
  writeFileSync(out, JSON.stringify(result));
  if (failed) process.exitCode = 1;
}
