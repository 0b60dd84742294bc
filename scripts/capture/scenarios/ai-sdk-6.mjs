/**
 * The Vercel AI SDK 6 built-in telemetry (`ai`@6 + `@ai-sdk/openai`@3) through the global tracer
 * provider: wiring and scenarios, shared by the capture script and the live child.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { embed, generateText, stepCountIs, streamText, tool } from "ai";
import { vercelAiScenarios } from "./vercel-ai.mjs";

/**
 * @param {object} o
 * @param {{ functionId: string, sessionId: string, userId: string, tags: string[] }} o.identity what a user
 *   passes: a function id plus the metadata observability backends read
 * @param {object} [o.params] sampling settings of the chat and stream calls (default none)
 */
export function aiSdk6({ identity, params }) {
  const { functionId, sessionId, userId, tags } = identity;
  // AI SDK 6 takes user context as `experimental_telemetry.metadata`.
  const telemetry = { experimental_telemetry: { isEnabled: true, functionId, metadata: { sessionId, userId, tags } } };
  return {
    setup: ({ mock }) => ({ openai: createOpenAI({ baseURL: mock.baseURL, apiKey: "sk-mock-not-a-secret" }) }),
    scenarios: vercelAiScenarios({ ai: { embed, generateText, streamText, tool, stepCount: stepCountIs }, telemetry, params }),
  };
}
