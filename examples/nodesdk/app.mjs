/**
 * canonspan inside the OpenTelemetry NodeSDK: `CanonicalSpanProcessor` is one of the SDK's
 * `spanProcessors`, and its log-record companion one of its `logRecordProcessors` (the OTel
 * GenAI instrumentation logs prompts and completions as log records; the companion attaches
 * them to the span's record).
 *
 *   node examples/nodesdk/app.mjs [--out <file.jsonl>]      (default .canonspan/nodesdk.jsonl)
 *
 * Model calls go to OPENAI_BASE_URL when set, else to a local mock (no key, no network).
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { logs } from "@opentelemetry/api-logs";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { CanonicalLogRecordProcessor, CanonicalSpanProcessor, ConsoleSink, FileSink } from "canonspan";
import { llmEndpoint } from "../shared/llm-endpoint.mjs";

const { values } = parseArgs({ options: { out: { type: "string", default: ".canonspan/nodesdk.jsonl" } } });

const logRecords = new CanonicalLogRecordProcessor();
const openaiInstrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
const sdk = new NodeSDK({
  serviceName: "nodesdk-example",
  spanProcessors: [
    new CanonicalSpanProcessor({
      sinks: [new ConsoleSink({ style: "tree" }), new FileSink({ path: values.out })],
      logRecords,
    }),
  ],
  logRecordProcessors: [logRecords],
  // No metrics in this example: without this, NodeSDK exports metrics over OTLP by default.
  metricReaders: [],
  instrumentations: [openaiInstrumentation],
});
sdk.start();
// NodeSDK pins exact versions of its OTel dependencies. When the app's tree holds a second copy
// of @opentelemetry/api-logs (another patch version), instrumentations keep a logger of the copy
// the SDK did not register with, and message log records are silently lost: hand them the
// global logger provider the SDK just set.
openaiInstrumentation.setLoggerProvider(logs.getLoggerProvider());

// Loaded after sdk.start(), so the instrumentation's require hook patches it.
const { OpenAI } = createRequire(import.meta.url)("openai");

const llm = await llmEndpoint();
const client = new OpenAI({ baseURL: llm.baseURL, apiKey: llm.apiKey, maxRetries: 0 });
try {
  const r = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Say hello." },
    ],
  });
  console.log(`model says: ${r.choices[0].message.content}`);
} finally {
  // Flushes canonspan's records to every sink before the process ends.
  await sdk.shutdown();
  await llm.close();
}
console.log(`records written to ${values.out}`);
