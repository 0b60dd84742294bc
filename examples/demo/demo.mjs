#!/usr/bin/env node
/**
 * canonspan demo (`npm run demo`): a small agent on the real `openai` client, traced by the
 * official OTel GenAI instrumentation (`@opentelemetry/instrumentation-openai`) and turned into
 * canonical records by canonspan. It talks to a mock OpenAI server it starts on 127.0.0.1, so it
 * needs no API key and no network.
 *
 *   node examples/demo/demo.mjs [--out <file.jsonl>]
 *
 * Prints one tree per trace, writes every record to a JSONL file (default
 * `.canonspan/demo/spans.jsonl` under the current directory, replaced on each run), and ends with
 * a one-line summary.
 */
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { logs } from "@opentelemetry/api-logs";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import {
  CanonicalLogRecordProcessor,
  CanonicalSpanProcessor,
  ConsoleSink,
  FileSink,
  MemorySink,
  summarize,
  summaryLine,
} from "canonspan";
import { MOCK, startMockLlm } from "../../scripts/capture/mock-llm.mjs";
import { askWeather, greet, greetStreaming, runAgent } from "./agent.mjs";

const DEFAULT_OUT = ".canonspan/demo/spans.jsonl";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = resolve(values.out ?? DEFAULT_OUT);
// The default file belongs to the demo: start it fresh so the file holds this run only.
if (values.out === undefined) rmSync(out, { force: true });

// --- 1. canonspan: one processor, three sinks --------------------------------------------------
const memory = new MemorySink(); // for the summary below
const logRecords = new CanonicalLogRecordProcessor(); // the instrumentation logs messages as log records
const processor = new CanonicalSpanProcessor({
  sinks: [
    // A tree per trace, even when stdout is not a terminal (colours only on a TTY).
    new ConsoleSink({ style: "tree", stream: process.stdout }),
    new FileSink({ path: out }),
    memory,
  ],
  logRecords,
});

// --- 2. OpenTelemetry: a tracer provider, a logger provider, the GenAI instrumentation ----------
const resource = resourceFromAttributes({ "service.name": "canonspan-demo" });
const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ resource, processors: [logRecords] });
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({
  instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })],
  tracerProvider,
  loggerProvider,
});

// --- 3. The app: `openai` is loaded after the instrumentation is registered, so it is patched --
const require = createRequire(import.meta.url);
const { OpenAI } = require("openai");
const mock = await startMockLlm();
const client = new OpenAI({ baseURL: mock.baseURL, apiKey: "sk-demo-not-a-real-key", maxRetries: 0 });

process.stdout.write(`canonspan demo: an agent talking to a mock OpenAI server at ${mock.url} (no API key, no network)\n\n`);
try {
  // A plain call, a streamed call, and a tool call with its follow-up, in one agent run…
  await runAgent({ client, model: MOCK.chatModel, steps: [greet, greetStreaming, askWeather] });
  // …and a run whose model call fails (the mock answers HTTP 500 for this model).
  await runAgent({ client, model: MOCK.failModel, steps: [greet] });
} finally {
  // Flushes every record to every sink (the trees print here), then stops.
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();
  await mock.close();
}

/** A path as short as possible for the reader: relative to the working directory when inside it. */
const show = (p) => {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith("..") ? rel : p;
};
const pkgJson = require.resolve("canonspan/package.json");
const cli = join(dirname(pkgJson), JSON.parse(readFileSync(pkgJson, "utf8")).bin.canonspan);
process.stdout.write(`\n${memory.records.length} canonical records written to ${show(out)} (JSONL, one record per line).\n`);
process.stdout.write(`Read them again with the canonspan CLI: node ${show(cli)} tree ${show(out)}\n`);
process.stdout.write(`Summary: ${summaryLine(summarize(memory.records))}\n`);
