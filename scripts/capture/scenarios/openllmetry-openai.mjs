/**
 * `@traceloop/instrumentation-openai` (OpenLLMetry) on `openai`@6, with content: wiring and
 * scenarios, shared by the capture script and the live child.
 */
import { OpenAIInstrumentation } from "@traceloop/instrumentation-openai";
import { patchedOpenai } from "../openai-scenarios.mjs";

// traceContent is what the bare instrumentation reads (TRACELOOP_TRACE_CONTENT is the Traceloop
// SDK's switch); enrichTokens off: no tokenizer estimates mixed into the reported usage.
export const OPENLLMETRY_OPENAI = patchedOpenai(() => new OpenAIInstrumentation({ traceContent: true, enrichTokens: false }));
