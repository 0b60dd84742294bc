/**
 * Captures the Vercel AI SDK 7 telemetry (`ai-v7` = ai@7, `ai-sdk-openai-v4` = @ai-sdk/openai@4)
 * through the `@ai-sdk/otel` integration registered with `registerTelemetry`.
 *
 * `node ai-sdk-7.mjs` uses the GenAI-semconv `OpenTelemetry` integration (fixtures in
 * `ai-sdk-7/`); `node ai-sdk-7.mjs --legacy` uses `LegacyOpenTelemetry`, which keeps the
 * AI SDK 6 `ai.*` span layout (fixtures in `ai-sdk-7-legacy/`).
 *
 * AI SDK 7 dropped `telemetry.metadata`: user context travels as `runtimeContext` and is
 * emitted only for keys listed in `telemetry.includeRuntimeContext` (and, for the GenAI
 * integration, with its `runtimeContext: true` option).
 */
import { LegacyOpenTelemetry, OpenTelemetry } from "@ai-sdk/otel";
import { createOpenAI } from "ai-sdk-openai-v4";
import { embed, generateText, isStepCount, registerTelemetry, streamText, tool } from "ai-v7";
import { z } from "zod";
import { MOCK } from "./mock-llm.mjs";
import { runCapture, packageVersion } from "./harness.mjs";
import { CHAT_MESSAGES, EMBEDDING_INPUT, WEATHER_RESULT } from "./openai-scenarios.mjs";

const legacy = process.argv.includes("--legacy");
/** Opt-in extras of the GenAI integration (all off by default): without them no `ai.*` key appears. */
const GENAI_OPTIONS = { runtimeContext: true, usage: true, providerMetadata: true, embedding: true };
// parseArgs in the harness is strict: drop our own flag before it runs.
process.argv = process.argv.filter((a) => a !== "--legacy");

const RUNTIME_CONTEXT = { sessionId: "s-1", userId: "u-1", tags: ["capture", "ai-sdk-7"] };
const TELEMETRY = {
  isEnabled: true,
  functionId: "demo",
  includeRuntimeContext: { sessionId: true, userId: true, tags: true },
};
const COMMON = { telemetry: TELEMETRY, runtimeContext: RUNTIME_CONTEXT };

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
  instrumentation: legacy ? "ai-sdk-7-legacy" : "ai-sdk-7",
  pkg: packageVersion("ai-v7"),
  packages: ["ai-v7", "@ai-sdk/otel", "ai-sdk-openai-v4", "zod"],
  notes: [
    legacy
      ? "registerTelemetry(new LegacyOpenTelemetry()); runtimeContext {sessionId,userId,tags} with telemetry.includeRuntimeContext."
      : `registerTelemetry(new OpenTelemetry(${JSON.stringify(GENAI_OPTIONS)})); runtimeContext {sessionId,userId,tags} with telemetry.includeRuntimeContext.`,
  ],
  setup({ mock }) {
    // Registered after the tracer provider, so the integration's default tracer is the global one.
    registerTelemetry(legacy ? new LegacyOpenTelemetry() : new OpenTelemetry(GENAI_OPTIONS));
    return { openai: createOpenAI({ baseURL: mock.baseURL, apiKey: "sk-mock-not-a-secret" }) };
  },
  scenarios: {
    async chat({ openai }) {
      const r = await generateText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: PROMPT, temperature: 0.2, maxOutputTokens: 64, ...COMMON });
      assertEqual(r.text, MOCK.text, "text");
    },
    async stream({ openai }) {
      const r = streamText({ model: openai.chat(MOCK.chatModel), system: SYSTEM, prompt: PROMPT, temperature: 0.2, maxOutputTokens: 64, ...COMMON });
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
        stopWhen: isStepCount(2),
        ...COMMON,
      });
      assertEqual(r.text, MOCK.toolFollowUpText, "final text");
      return { notes: ["One generateText run of two steps: a tool call (executed by the SDK), then the answer."] };
    },
    async embeddings({ openai }) {
      const r = await embed({ model: openai.embedding(MOCK.embeddings.model), value: EMBEDDING_INPUT, ...COMMON });
      assertEqual(r.embedding.length, MOCK.embeddings.vector.length, "embedding length");
    },
    async error({ openai }) {
      try {
        await generateText({ model: openai.chat(MOCK.failModel), prompt: PROMPT, maxRetries: 0, ...COMMON });
      } catch (e) {
        return { notes: [`One generateText call with model ${MOCK.failModel} and maxRetries 0; the mock answered HTTP 500 (${e.name}).`] };
      }
      throw new Error("the error scenario did not fail");
    },
  },
});
