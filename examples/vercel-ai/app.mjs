/**
 * The Vercel AI SDK (`ai`@6, `@ai-sdk/openai`) traced through canonspan: the SDK's built-in
 * telemetry (`experimental_telemetry`) writes spans to the global tracer provider, where
 * `CanonicalSpanProcessor` turns them into records — a tree on the console and a JSONL file.
 *
 *   node examples/vercel-ai/app.mjs [--out <file.jsonl>]      (default .canonspan/vercel-ai.jsonl)
 *
 * AI SDK 7: the same processor works; enable telemetry with
 * `registerTelemetry(new OpenTelemetry())` from `@ai-sdk/otel` instead of `experimental_telemetry`.
 * Model calls go to OPENAI_BASE_URL when set, else to a local mock (no key, no network).
 */
import { parseArgs } from "node:util";
import { createOpenAI } from "@ai-sdk/openai";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { generateText, stepCountIs, tool } from "ai";
import { CanonicalSpanProcessor, ConsoleSink, FileSink } from "canonspan";
import { z } from "zod";
import { llmEndpoint } from "../shared/llm-endpoint.mjs";

const { values } = parseArgs({ options: { out: { type: "string", default: ".canonspan/vercel-ai.jsonl" } } });

const provider = new NodeTracerProvider({
  spanProcessors: [new CanonicalSpanProcessor({ sinks: [new ConsoleSink({ style: "tree" }), new FileSink({ path: values.out })] })],
});
provider.register();

const weather = tool({
  description: "Current weather of a city.",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, forecast: "sunny", temperatureC: 21 }),
});

const llm = await llmEndpoint();
try {
  const openai = createOpenAI({ baseURL: llm.baseURL, apiKey: llm.apiKey });
  const { text } = await generateText({
    // `.chat()`: the Chat Completions API (`openai(model)` would use the Responses API).
    model: openai.chat("gpt-4o-mini"),
    prompt: "What is the weather in Paris?",
    tools: { get_weather: weather },
    stopWhen: stepCountIs(3),
    experimental_telemetry: {
      isEnabled: true,
      functionId: "weather-agent",
      // Read by canonspan as the record's sessionId, userId and tags.
      metadata: { sessionId: "session-42", userId: "user-7", tags: ["example"] },
    },
  });
  console.log(`model says: ${text}`);
} finally {
  await provider.shutdown();
  await llm.close();
}
console.log(`records written to ${values.out}`);
