/**
 * Captures `@opentelemetry/instrumentation-openai` (official OTel GenAI instrumentation) on
 * `openai`@6. Message content goes to log records (Logs API), so a logger provider is set up
 * and the records are saved with the spans.
 */
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { runCapture, packageVersion } from "./harness.mjs";
import { OPENAI_SCENARIOS, openaiClient } from "./openai-scenarios.mjs";

// Read by the instrumentation's constructor: emit message content in the log records.
process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = "true";

await runCapture({
  instrumentation: "otel-openai",
  pkg: packageVersion("@opentelemetry/instrumentation-openai"),
  packages: ["@opentelemetry/instrumentation-openai", "openai"],
  withLogs: true,
  setup({ mock, telemetry }) {
    // registerInstrumentations (not setTracerProvider + enable by hand, which crashes on streams).
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation()],
      tracerProvider: telemetry.tracerProvider,
      loggerProvider: telemetry.loggerProvider,
    });
    return { client: openaiClient(mock) };
  },
  scenarios: OPENAI_SCENARIOS,
});
