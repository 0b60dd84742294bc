/** Live: `@traceloop/instrumentation-openai` (OpenLLMetry) on openai@6, with content. */
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@traceloop/instrumentation-openai";
import { OPENAI_SCENARIOS, openaiClient } from "../../../scripts/capture/openai-scenarios.mjs";
import { runLive } from "./live-harness.mjs";

await runLive({
  setup({ mock, tracerProvider }) {
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation({ traceContent: true, enrichTokens: false })],
      tracerProvider,
    });
    return { client: openaiClient(mock) };
  },
  scenarios: OPENAI_SCENARIOS,
});
