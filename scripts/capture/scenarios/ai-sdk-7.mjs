/**
 * The Vercel AI SDK 7 (`ai-v7` = ai@7, `ai-sdk-openai-v4` = @ai-sdk/openai@4) through the
 * `@ai-sdk/otel` integration registered with `registerTelemetry`: wiring and scenarios, shared
 * by the capture script and the live child.
 *
 * AI SDK 7 dropped `telemetry.metadata`: user context travels as `runtimeContext` and is emitted
 * only for keys listed in `telemetry.includeRuntimeContext` (and, for the GenAI integration,
 * with its `runtimeContext: true` option).
 */
import { LegacyOpenTelemetry, OpenTelemetry } from "@ai-sdk/otel";
import { createOpenAI } from "ai-sdk-openai-v4";
import { embed, generateText, isStepCount, registerTelemetry, streamText, tool } from "ai-v7";
import { vercelAiScenarios } from "./vercel-ai.mjs";

/** Opt-in extras of the GenAI integration (all off by default): without them no `ai.*` key appears. */
export const GENAI_OPTIONS = { runtimeContext: true, usage: true, providerMetadata: true, embedding: true };

/**
 * @param {object} o
 * @param {{ functionId: string, sessionId: string, userId: string, tags: string[] }} o.identity the
 *   function id and the runtime context the telemetry carries
 * @param {boolean} [o.legacy] use `LegacyOpenTelemetry`, which keeps the AI SDK 6 `ai.*` span
 *   layout, instead of the GenAI-semconv `OpenTelemetry` integration (default false)
 * @param {object} [o.params] sampling settings of the chat and stream calls (default none)
 */
export function aiSdk7({ identity, legacy = false, params }) {
  const { functionId, sessionId, userId, tags } = identity;
  const telemetry = {
    telemetry: { isEnabled: true, functionId, includeRuntimeContext: { sessionId: true, userId: true, tags: true } },
    runtimeContext: { sessionId, userId, tags },
  };
  return {
    setup({ mock }) {
      // Registered after the tracer provider, so the integration's default tracer is the global one.
      registerTelemetry(legacy ? new LegacyOpenTelemetry() : new OpenTelemetry(GENAI_OPTIONS));
      return { openai: createOpenAI({ baseURL: mock.baseURL, apiKey: "sk-mock-not-a-secret" }) };
    },
    scenarios: vercelAiScenarios({ ai: { embed, generateText, streamText, tool, stepCount: isStepCount }, telemetry, params }),
  };
}
