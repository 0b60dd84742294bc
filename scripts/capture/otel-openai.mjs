/**
 * Captures `@opentelemetry/instrumentation-openai` (official OTel GenAI instrumentation) on
 * `openai`@6 (wiring and scenarios: scenarios/otel-openai.mjs). Message content goes to log
 * records (Logs API), so the records are saved with the spans.
 */
import { runCapture, packageVersion } from "./harness.mjs";
import { OTEL_OPENAI } from "./scenarios/otel-openai.mjs";

await runCapture({
  instrumentation: "otel-openai",
  pkg: packageVersion("@opentelemetry/instrumentation-openai"),
  packages: ["@opentelemetry/instrumentation-openai", "openai"],
  ...OTEL_OPENAI,
});
