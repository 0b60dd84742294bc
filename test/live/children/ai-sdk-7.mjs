/**
 * Live: the Vercel AI SDK 7 (`ai-v7` = ai@7, `ai-sdk-openai-v4` = @ai-sdk/openai@4) with the
 * GenAI-semconv `OpenTelemetry` integration of `@ai-sdk/otel`, registered with `registerTelemetry`
 * — the same calls as scripts/capture/ai-sdk-7.mjs.
 */
import { OpenTelemetry } from "@ai-sdk/otel";
import { createOpenAI } from "ai-sdk-openai-v4";
import { embed, generateText, isStepCount, registerTelemetry, streamText, tool } from "ai-v7";
import { z } from "zod";
import { MOCK } from "../../../scripts/capture/mock-llm.mjs";
import { CHAT_MESSAGES, EMBEDDING_INPUT, WEATHER_RESULT } from "../../../scripts/capture/openai-scenarios.mjs";
import { runLive } from "./live-harness.mjs";

const META = { functionId: "live", sessionId: "s-live", userId: "u-live", tags: ["live", "ai-sdk-7"] };
const COMMON = {
  telemetry: { isEnabled: true, functionId: META.functionId, includeRuntimeContext: { sessionId: true, userId: true, tags: true } },
  runtimeContext: { sessionId: META.sessionId, userId: META.userId, tags: META.tags },
};
const [SYSTEM, USER] = CHAT_MESSAGES.map((m) => m.content);
const weather = tool({
  description: "Current weather of a city.",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ ...WEATHER_RESULT, city }),
});

await runLive({
  meta: META,
  setup({ mock }) {
    // After the tracer provider is registered, so the integration's tracer is the global one.
    registerTelemetry(new OpenTelemetry({ runtimeContext: true, usage: true, providerMetadata: true, embedding: true }));
    return { openai: createOpenAI({ baseURL: mock.baseURL, apiKey: "sk-mock-not-a-secret" }) };
  },
  scenarios: {
    async chat({ openai }) {
      await generateText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: USER, ...COMMON });
    },
    async stream({ openai }) {
      const r = streamText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: USER, ...COMMON });
      for await (const _ of r.textStream);
      await r.usage;
    },
    async tool({ openai }) {
      await generateText({
        model: openai.chat(MOCK.chatModel),
        prompt: "What is the weather in Paris?",
        tools: { [MOCK.tool.name]: weather },
        stopWhen: isStepCount(2),
        ...COMMON,
      });
    },
    async embeddings({ openai }) {
      await embed({ model: openai.embedding(MOCK.embeddings.model), value: EMBEDDING_INPUT, ...COMMON });
    },
    async error({ openai }) {
      await generateText({ model: openai.chat(MOCK.failModel), prompt: USER, maxRetries: 0, ...COMMON }).then(
        () => Promise.reject(new Error("the error scenario did not fail")),
        () => undefined,
      );
    },
  },
});
