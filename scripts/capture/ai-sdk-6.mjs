/**
 * Captures the Vercel AI SDK 6 built-in telemetry (`ai`@6 + `@ai-sdk/openai`@3) through the
 * global tracer provider: generateText, streamText, a tool with `execute`, embed, and a failure.
 * `openai.chat(model)` is used so the provider talks chat completions (the default `openai(model)`
 * would use the Responses API).
 */
import { createOpenAI } from "@ai-sdk/openai";
import { embed, generateText, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import { MOCK } from "./mock-llm.mjs";
import { runCapture, packageVersion } from "./harness.mjs";
import { CHAT_MESSAGES, EMBEDDING_INPUT, WEATHER_RESULT } from "./openai-scenarios.mjs";

/** What a user would pass: a function id plus metadata the observability backends read. */
const TELEMETRY = {
  isEnabled: true,
  functionId: "demo",
  metadata: { sessionId: "s-1", userId: "u-1", tags: ["capture", "ai-sdk-6"] },
};

const SYSTEM = CHAT_MESSAGES[0].content;
const PROMPT = CHAT_MESSAGES[1].content;

function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const weather = tool({
  description: "Current weather of a city.",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ ...WEATHER_RESULT, city }),
});

await runCapture({
  instrumentation: "ai-sdk-6",
  pkg: packageVersion("ai"),
  packages: ["ai", "@ai-sdk/openai", "zod"],
  setup({ mock }) {
    return { openai: createOpenAI({ baseURL: mock.baseURL, apiKey: "sk-mock-not-a-secret" }) };
  },
  scenarios: {
    async chat({ openai }) {
      const r = await generateText({
        model: openai.chat(MOCK.chatModel),
        system: SYSTEM,
        prompt: PROMPT,
        temperature: 0.2,
        maxOutputTokens: 64,
        experimental_telemetry: TELEMETRY,
      });
      assertEqual(r.text, MOCK.text, "text");
    },
    async stream({ openai }) {
      const r = streamText({
        model: openai.chat(MOCK.chatModel),
        system: SYSTEM,
        prompt: PROMPT,
        temperature: 0.2,
        maxOutputTokens: 64,
        experimental_telemetry: TELEMETRY,
      });
      let text = "";
      for await (const delta of r.textStream) text += delta;
      assertEqual(text, MOCK.text, "streamed text");
      await r.usage;
    },
    async tool({ openai }) {
      const r = await generateText({
        model: openai.chat(MOCK.chatModel),
        prompt: "What is the weather in Paris?",
        tools: { [MOCK.tool.name]: weather },
        stopWhen: stepCountIs(2),
        experimental_telemetry: TELEMETRY,
      });
      assertEqual(r.text, MOCK.toolFollowUpText, "final text");
      return { notes: ["One generateText run of two steps: a tool call (executed by the SDK), then the answer."] };
    },
    async embeddings({ openai }) {
      const r = await embed({ model: openai.embedding(MOCK.embeddings.model), value: EMBEDDING_INPUT, experimental_telemetry: TELEMETRY });
      assertEqual(r.embedding.length, MOCK.embeddings.vector.length, "embedding length");
    },
    async error({ openai }) {
      try {
        await generateText({ model: openai.chat(MOCK.failModel), prompt: PROMPT, maxRetries: 0, experimental_telemetry: TELEMETRY });
      } catch (e) {
        return { notes: [`One generateText call with model ${MOCK.failModel} and maxRetries 0; the mock answered HTTP 500 (${e.name}).`] };
      }
      throw new Error("the error scenario did not fail");
    },
  },
});
