/** Captures `@traceloop/instrumentation-openai` (OpenLLMetry conventions) on `openai`@6, with content. */
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@traceloop/instrumentation-openai";
import { runCapture, packageVersion } from "./harness.mjs";
import { OPENAI_SCENARIOS, openaiClient } from "./openai-scenarios.mjs";

// The Traceloop SDK reads this; the bare instrumentation takes `traceContent` (default true).
process.env.TRACELOOP_TRACE_CONTENT = "true";

const WHY_NO_ERROR_SPAN =
  "OpenLLMetry 0.27.0 ends the span in a success-only then-callback: the span of a rejected call is started but never ended, so it is never exported.";

await runCapture({
  instrumentation: "openllmetry-openai",
  pkg: packageVersion("@traceloop/instrumentation-openai"),
  packages: ["@traceloop/instrumentation-openai", "@traceloop/ai-semantic-conventions", "openai"],
  setup({ mock, telemetry }) {
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation({ traceContent: true, enrichTokens: false })],
      tracerProvider: telemetry.tracerProvider,
    });
    return { client: openaiClient(mock) };
  },
  scenarios: {
    ...OPENAI_SCENARIOS,
    async error(ctx) {
      const result = await OPENAI_SCENARIOS.error(ctx);
      return { notes: [...result.notes, WHY_NO_ERROR_SPAN] };
    },
    // 0.27.0 patches chat/completions/responses/images only: an embeddings call makes no span.
    embeddings: "not instrumented (the package patches chat, completions, responses and images only)",
  },
});
