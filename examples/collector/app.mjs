/**
 * A one-shot job with no tracing code: it asks the model one question and exits. Started with
 * `canonspan/register` and the environment of app.env, its records go to an OpenTelemetry
 * Collector over OTLP (see otel-collector-config.yaml):
 *
 *   node --env-file=examples/collector/app.env --import canonspan/register examples/collector/app.mjs
 *
 * (`--env-file` needs Node >= 20.6; on Node 18, export the variables of app.env instead.)
 * Model calls go to OPENAI_BASE_URL when set, else to a local mock (no key, no network).
 */
import OpenAI from "openai";
import { llmEndpoint } from "../shared/llm-endpoint.mjs";

const llm = await llmEndpoint();
try {
  const client = new OpenAI({ baseURL: llm.baseURL, apiKey: llm.apiKey, maxRetries: 0 });
  const r = await client.chat.completions.create({
    model: process.env.MODEL ?? "gpt-4o-mini",
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Say hello." },
    ],
  });
  console.log(`model says: ${r.choices[0].message.content}`);
} finally {
  await llm.close();
}
// Nothing else to do: when the event loop empties, canonspan flushes to the collector and the
// process exits.
