/** Live: `@arizeai/openinference-instrumentation-openai` (OpenInference conventions) on openai@6. */
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OPENAI_SCENARIOS, openaiClient } from "../../../scripts/capture/openai-scenarios.mjs";
import { runLive } from "./live-harness.mjs";

await runLive({
  setup({ mock, tracerProvider }) {
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()], tracerProvider });
    return { client: openaiClient(mock) };
  },
  scenarios: OPENAI_SCENARIOS,
});
