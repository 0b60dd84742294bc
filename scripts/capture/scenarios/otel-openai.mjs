/**
 * `@opentelemetry/instrumentation-openai` (official OTel GenAI instrumentation) on `openai`@6:
 * wiring and scenarios, shared by the capture script and the live child. Message content goes
 * to log records (Logs API), so it needs a logger provider.
 */
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { patchedOpenai } from "../openai-scenarios.mjs";

// captureMessageContent: emit message content in the log records (same as the env switch
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true, without touching process.env).
export const OTEL_OPENAI = patchedOpenai(() => new OpenAIInstrumentation({ captureMessageContent: true }), { withLogs: true });
