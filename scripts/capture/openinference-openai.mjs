/**
 * Captures `@arizeai/openinference-instrumentation-openai` (OpenInference conventions) on
 * `openai`@6 (wiring and scenarios: scenarios/openinference-openai.mjs).
 */
import { runCapture, packageVersion } from "./harness.mjs";
import { OPENINFERENCE_OPENAI } from "./scenarios/openinference-openai.mjs";

await runCapture({
  instrumentation: "openinference-openai",
  pkg: packageVersion("@arizeai/openinference-instrumentation-openai"),
  packages: ["@arizeai/openinference-instrumentation-openai", "@arizeai/openinference-semantic-conventions", "openai"],
  ...OPENINFERENCE_OPENAI,
  scenarioNotes: {
    error: [
      "OpenInference 4.2.7 ends the span only when the call succeeds (its error hook covers synchronous throws only): the span of a rejected call is started but never ended, so it is never exported.",
    ],
  },
});
