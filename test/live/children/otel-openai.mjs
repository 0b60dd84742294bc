/** Live: the official `@opentelemetry/instrumentation-openai` on openai@6; messages arrive as log records. */
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { OPENAI_SCENARIOS, openaiClient } from "../../../scripts/capture/openai-scenarios.mjs";
import { runLive } from "./live-harness.mjs";

await runLive({
  withLogs: true,
  setup({ mock, tracerProvider, loggerProvider }) {
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })],
      tracerProvider,
      loggerProvider,
    });
    return { client: openaiClient(mock) };
  },
  scenarios: OPENAI_SCENARIOS,
});
