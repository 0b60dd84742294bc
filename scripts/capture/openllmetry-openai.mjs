/**
 * Captures `@traceloop/instrumentation-openai` (OpenLLMetry conventions) on `openai`@6, with
 * content (wiring and scenarios: scenarios/openllmetry-openai.mjs).
 */
import { runCapture, packageVersion } from "./harness.mjs";
import { OPENLLMETRY_OPENAI } from "./scenarios/openllmetry-openai.mjs";

await runCapture({
  instrumentation: "openllmetry-openai",
  pkg: packageVersion("@traceloop/instrumentation-openai"),
  packages: ["@traceloop/instrumentation-openai", "@traceloop/ai-semantic-conventions", "openai"],
  ...OPENLLMETRY_OPENAI,
  scenarios: {
    ...OPENLLMETRY_OPENAI.scenarios,
    // 0.27.0 patches chat/completions/responses/images only: an embeddings call makes no span.
    embeddings: "not instrumented (the package patches chat, completions, responses and images only)",
  },
  scenarioNotes: {
    error: ["OpenLLMetry 0.27.0 ends the span in a success-only then-callback: the span of a rejected call is started but never ended, so it is never exported."],
  },
});
