/**
 * `@arizeai/openinference-instrumentation-openai` (OpenInference conventions) on `openai`@6:
 * wiring and scenarios, shared by the capture script and the live child.
 */
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { patchedOpenai } from "../openai-scenarios.mjs";

export const OPENINFERENCE_OPENAI = patchedOpenai(() => new OpenAIInstrumentation());
