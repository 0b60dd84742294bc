/**
 * The five scenarios of the Vercel AI SDK (generateText, streamText, a tool with `execute`,
 * embed, a failing call), written once for both majors: AI SDK 6 and 7 take the same calls and
 * differ only in their exports and in how telemetry options are passed (see ai-sdk-6.mjs,
 * ai-sdk-7.mjs). `openai.chat(model)` makes the provider talk chat completions (the default
 * `openai(model)` would use the Responses API).
 */
import { z } from "zod";
import { MOCK } from "../mock-llm.mjs";
import { CHAT_MESSAGES, EMBEDDING_INPUT, WEATHER_RESULT } from "../openai-scenarios.mjs";

const [SYSTEM, PROMPT] = CHAT_MESSAGES.map((m) => m.content);

function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/**
 * Scenario functions taking `{ openai }` (a provider bound to the mock).
 *
 * @param {object} o
 * @param {object} o.ai the SDK's `generateText`, `streamText`, `embed`, `tool`, and `stepCount(n)` (a stop condition)
 * @param {object} o.telemetry spread into every call: how this major turns telemetry on and passes user context
 * @param {object} [o.params] sampling settings of the chat and stream calls (default none)
 */
export function vercelAiScenarios({ ai, telemetry, params = {} }) {
  // Called as plain functions, not `ai.x()`: a method call renames the SDK's frame in
  // exception.stacktrace ("Object.generateText"), which the error fixtures record.
  const { embed, generateText, stepCount, streamText, tool } = ai;
  const weather = tool({
    description: "Current weather of a city.",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ ...WEATHER_RESULT, city }),
  });
  return {
    async chat({ openai }) {
      const r = await generateText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: PROMPT, ...params, ...telemetry });
      assertEqual(r.text, MOCK.text, "text");
    },
    async stream({ openai }) {
      const r = streamText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: PROMPT, ...params, ...telemetry });
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
        stopWhen: stepCount(2),
        ...telemetry,
      });
      assertEqual(r.text, MOCK.toolFollowUpText, "final text");
      return { notes: ["One generateText run of two steps: a tool call (executed by the SDK), then the answer."] };
    },
    async embeddings({ openai }) {
      const r = await embed({ model: openai.embedding(MOCK.embeddings.model), value: EMBEDDING_INPUT, ...telemetry });
      assertEqual(r.embedding.length, MOCK.embeddings.vector.length, "embedding length");
    },
    async error({ openai }) {
      try {
        await generateText({ model: openai.chat(MOCK.failModel), prompt: PROMPT, maxRetries: 0, ...telemetry });
      } catch (e) {
        return { notes: [`One generateText call with model ${MOCK.failModel} and maxRetries 0; the mock answered HTTP 500 (${e.name}).`] };
      }
      throw new Error("the error scenario did not fail");
    },
  };
}
