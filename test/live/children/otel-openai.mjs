/** Live: the official `@opentelemetry/instrumentation-openai` on openai@6; messages arrive as log records. */
import { OTEL_OPENAI } from "../../../scripts/capture/scenarios/otel-openai.mjs";
import { runLive } from "./live-harness.mjs";

await runLive(OTEL_OPENAI);
