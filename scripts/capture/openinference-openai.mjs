/** Captures `@arizeai/openinference-instrumentation-openai` (OpenInference conventions) on `openai`@6. */
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { runCapture, packageVersion } from "./harness.mjs";
import { OPENAI_SCENARIOS, openaiClient } from "./openai-scenarios.mjs";

const WHY_NO_ERROR_SPAN =
  "OpenInference 4.2.7 ends the span only when the call succeeds (its error hook covers synchronous throws only): the span of a rejected call is started but never ended, so it is never exported.";

await runCapture({
  instrumentation: "openinference-openai",
  pkg: packageVersion("@arizeai/openinference-instrumentation-openai"),
  packages: ["@arizeai/openinference-instrumentation-openai", "@arizeai/openinference-semantic-conventions", "openai"],
  setup({ mock, telemetry }) {
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()], tracerProvider: telemetry.tracerProvider });
    return { client: openaiClient(mock) };
  },
  scenarios: {
    ...OPENAI_SCENARIOS,
    async error(ctx) {
      const result = await OPENAI_SCENARIOS.error(ctx);
      return { notes: [...result.notes, WHY_NO_ERROR_SPAN] };
    },
  },
});
