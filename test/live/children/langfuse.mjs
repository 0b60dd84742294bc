/**
 * Live: `@langfuse/tracing` observations built the way its users do (Langfuse does not call the
 * model itself: a plain `openai` client calls the mock), with `LangfuseSpanProcessor` first in
 * the provider — it stamps environment, release and the propagated user/session/tags on each
 * span in `onStart` — and canonspan's processor after it. The Langfuse exporter is a no-op:
 * nothing is sent anywhere. Same observations as scripts/capture/langfuse.mjs.
 */
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { propagateAttributes, startActiveObservation, startObservation } from "@langfuse/tracing";
import { MOCK } from "../../../scripts/capture/mock-llm.mjs";
import { CHAT_MESSAGES, WEATHER_RESULT, WEATHER_TOOL, openaiClient } from "../../../scripts/capture/openai-scenarios.mjs";
import { runLive } from "./live-harness.mjs";

const PROPAGATED = { userId: "u-live", sessionId: "s-live", tags: ["live", "langfuse"] };
const ENVIRONMENT = "live";
const COST = { ...MOCK.cost };
/**
 * Usage the way Langfuse's own OpenAI integration reports it: additive buckets (`input` excludes
 * the `input_*` details, `output` the `output_*` ones; `total` is the sum). The capture script
 * uses inclusive numbers instead, so both readings of `usage_details` are exercised.
 */
const usageDetails = (u) => ({
  input: u.prompt_tokens - u.prompt_tokens_details.cached_tokens,
  input_cached_tokens: u.prompt_tokens_details.cached_tokens,
  output: u.completion_tokens - u.completion_tokens_details.reasoning_tokens,
  output_reasoning_tokens: u.completion_tokens_details.reasoning_tokens,
  total: u.total_tokens,
});
const NOOP_EXPORTER = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };

function generation(client, name, messages, extra = {}) {
  return startActiveObservation(
    name,
    async (gen) => {
      gen.update({ model: MOCK.chatModel, input: messages });
      const r = await client.chat.completions.create({ model: MOCK.chatModel, messages, ...extra });
      gen.update({ model: r.model, output: r.choices[0].message, usageDetails: usageDetails(r.usage), costDetails: COST });
      return r.choices[0].message;
    },
    { asType: "generation" },
  );
}

await runLive({
  meta: { ...PROPAGATED, environment: ENVIRONMENT },
  spanProcessors: (canonical, mock) => [
    new LangfuseSpanProcessor({
      exporter: NOOP_EXPORTER,
      exportMode: "immediate",
      environment: ENVIRONMENT,
      mediaUploadEnabled: false,
      publicKey: "pk-lf-mock",
      secretKey: "sk-lf-mock-not-a-secret",
      baseUrl: mock.url,
    }),
    canonical,
  ],
  setup: ({ mock }) => ({ client: openaiClient(mock) }),
  scenarios: {
    async chat({ client }) {
      await propagateAttributes(PROPAGATED, () => generation(client, "chat-completion", CHAT_MESSAGES));
    },
    async stream({ client }) {
      await propagateAttributes(PROPAGATED, () =>
        startActiveObservation(
          "streamed-completion",
          async (gen) => {
            gen.update({ model: MOCK.chatModel, input: CHAT_MESSAGES });
            const stream = await client.chat.completions.create({ model: MOCK.chatModel, messages: CHAT_MESSAGES, stream: true, stream_options: { include_usage: true } });
            let text = "";
            let usage;
            let first;
            for await (const chunk of stream) {
              const delta = chunk.choices[0]?.delta?.content;
              if (delta && first === undefined) first = new Date();
              text += delta ?? "";
              usage = chunk.usage ?? usage;
            }
            gen.update({ completionStartTime: first, output: { role: "assistant", content: text }, usageDetails: usageDetails(usage), costDetails: COST });
          },
          { asType: "generation" },
        ),
      );
    },
    async tool({ client }) {
      await propagateAttributes(PROPAGATED, () =>
        startActiveObservation(
          "weather-agent",
          async (agent) => {
            const messages = [{ role: "user", content: "What is the weather in Paris?" }];
            const first = await generation(client, "plan", messages, { tools: [WEATHER_TOOL] });
            const call = first.tool_calls[0];
            const result = await startActiveObservation(
              call.function.name,
              async (t) => {
                t.update({ input: JSON.parse(call.function.arguments), output: WEATHER_RESULT });
                return WEATHER_RESULT;
              },
              { asType: "tool" },
            );
            messages.push(first, { role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
            const answer = await generation(client, "answer", messages, { tools: [WEATHER_TOOL] });
            agent.update({ output: answer.content });
          },
          { asType: "agent" },
        ),
      );
    },
    async error({ client }) {
      await propagateAttributes(PROPAGATED, () =>
        startActiveObservation(
          "failing-agent",
          async (agent) => {
            const gen = startObservation("failing-call", { model: MOCK.failModel, input: CHAT_MESSAGES }, { asType: "generation" });
            try {
              await client.chat.completions.create({ model: MOCK.failModel, messages: CHAT_MESSAGES });
              throw new Error("the error scenario did not fail");
            } catch (e) {
              if (e.status !== MOCK.error.status) throw e;
              gen.update({ level: "ERROR", statusMessage: e.message }).end();
              agent.update({ level: "ERROR", statusMessage: `generation failed: ${e.message}` });
            }
          },
          { asType: "agent" },
        ),
      );
    },
  },
});
