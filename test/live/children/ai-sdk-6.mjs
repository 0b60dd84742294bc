/**
 * Live: the Vercel AI SDK 6 built-in telemetry (`ai`@6 + `@ai-sdk/openai`@3, chat completions)
 * through the global tracer provider — the same calls as scripts/capture/ai-sdk-6.mjs.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { embed, generateText, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import { MOCK } from "../../../scripts/capture/mock-llm.mjs";
import { CHAT_MESSAGES, EMBEDDING_INPUT, WEATHER_RESULT } from "../../../scripts/capture/openai-scenarios.mjs";
import { runLive } from "./live-harness.mjs";

const META = { functionId: "live", sessionId: "s-live", userId: "u-live", tags: ["live", "ai-sdk-6"] };
const TELEMETRY = { isEnabled: true, functionId: META.functionId, metadata: { sessionId: META.sessionId, userId: META.userId, tags: META.tags } };
const [SYSTEM, USER] = CHAT_MESSAGES.map((m) => m.content);
const weather = tool({
  description: "Current weather of a city.",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ ...WEATHER_RESULT, city }),
});

await runLive({
  meta: META,
  setup: ({ mock }) => ({ openai: createOpenAI({ baseURL: mock.baseURL, apiKey: "sk-mock-not-a-secret" }) }),
  scenarios: {
    async chat({ openai }) {
      await generateText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: USER, experimental_telemetry: TELEMETRY });
    },
    async stream({ openai }) {
      const r = streamText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: USER, experimental_telemetry: TELEMETRY });
      for await (const _ of r.textStream);
      await r.usage;
    },
    async tool({ openai }) {
      await generateText({
        model: openai.chat(MOCK.chatModel),
        prompt: "What is the weather in Paris?",
        tools: { [MOCK.tool.name]: weather },
        stopWhen: stepCountIs(2),
        experimental_telemetry: TELEMETRY,
      });
    },
    async embeddings({ openai }) {
      await embed({ model: openai.embedding(MOCK.embeddings.model), value: EMBEDDING_INPUT, experimental_telemetry: TELEMETRY });
    },
    async error({ openai }) {
      await generateText({ model: openai.chat(MOCK.failModel), prompt: USER, maxRetries: 0, experimental_telemetry: TELEMETRY }).then(
        () => Promise.reject(new Error("the error scenario did not fail")),
        () => undefined,
      );
    },
  },
});
