/**
 * Captures `@langfuse/tracing` (v5) observations the way a user builds them by hand: Langfuse
 * does not call the model itself, so a plain (uninstrumented) `openai` client calls the mock and
 * its real answers fill the observations. Spans go through `LangfuseSpanProcessor` (as for every
 * Langfuse user: it stamps environment, release and the propagated user/session/tags/metadata
 * on each span) into the in-memory exporter; nothing is sent anywhere.
 *
 * Scenarios: `chat` (one generation), `stream` (a generation fed from a stream, with
 * completionStartTime), `tool` (an agent containing a generation, a tool and a final generation,
 * with user/session/tags propagated), `embeddings` (an embedding observation), `error` (an agent
 * whose generation fails, recorded with level ERROR).
 */
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { propagateAttributes, startActiveObservation, startObservation } from "@langfuse/tracing";
import { MOCK } from "./mock-llm.mjs";
import { runCapture, packageVersion } from "./harness.mjs";
import { CHAT_MESSAGES, EMBEDDING_INPUT, WEATHER_RESULT, WEATHER_TOOL, openaiClient } from "./openai-scenarios.mjs";

const PROPAGATED = { userId: "u-1", sessionId: "s-1", tags: ["capture", "langfuse"], metadata: { feature: "demo" } };
const PARAMS = { temperature: 0.2, max_tokens: 64 };

/** Langfuse usage keys as its OpenAI integration names them (details prefixed input_/output_). */
function usageDetails(usage) {
  return {
    input: usage.prompt_tokens,
    output: usage.completion_tokens,
    total: usage.total_tokens,
    input_cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    output_reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

const COST = { ...MOCK.cost };

async function generation(client, name, messages, extra = {}) {
  return startActiveObservation(
    name,
    async (gen) => {
      gen.update({ model: MOCK.chatModel, modelParameters: PARAMS, input: messages });
      const r = await client.chat.completions.create({ model: MOCK.chatModel, messages, ...PARAMS, ...extra });
      const choice = r.choices[0];
      gen.update({ model: r.model, output: choice.message, usageDetails: usageDetails(r.usage), costDetails: COST, metadata: { finishReason: choice.finish_reason, responseId: r.id } });
      return choice.message;
    },
    { asType: "generation" },
  );
}

await runCapture({
  instrumentation: "langfuse",
  pkg: packageVersion("@langfuse/tracing"),
  packages: ["@langfuse/tracing", "@langfuse/otel", "@langfuse/core", "openai"],
  spanProcessors: ({ exporter, mock }) => [
    new LangfuseSpanProcessor({
      exporter,
      exportMode: "immediate",
      environment: "capture",
      release: "r-1",
      mediaUploadEnabled: false,
      // Never used with a custom exporter and no media upload; set so nothing falls back to the cloud URL.
      publicKey: "pk-lf-mock",
      secretKey: "sk-lf-mock-not-a-secret",
      baseUrl: mock.url,
    }),
  ],
  setup({ mock }) {
    return { client: openaiClient(mock) };
  },
  scenarios: {
    async chat({ client }) {
      await propagateAttributes(PROPAGATED, () => generation(client, "chat-completion", CHAT_MESSAGES));
    },

    async stream({ client }) {
      await propagateAttributes(PROPAGATED, () =>
        startActiveObservation(
          "streamed-completion",
          async (gen) => {
            gen.update({ model: MOCK.chatModel, modelParameters: PARAMS, input: CHAT_MESSAGES });
            const stream = await client.chat.completions.create({ model: MOCK.chatModel, messages: CHAT_MESSAGES, ...PARAMS, stream: true, stream_options: { include_usage: true } });
            let text = "";
            let usage;
            let model;
            let first;
            for await (const chunk of stream) {
              const delta = chunk.choices[0]?.delta?.content;
              if (delta && first === undefined) first = new Date();
              text += delta ?? "";
              usage = chunk.usage ?? usage;
              model = chunk.model;
            }
            gen.update({ model, completionStartTime: first, output: { role: "assistant", content: text }, usageDetails: usageDetails(usage), costDetails: COST });
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
            const question = "What is the weather in Paris?";
            agent.update({ input: question });
            const messages = [{ role: "user", content: question }];
            const first = await generation(client, "plan", messages, { tools: [WEATHER_TOOL] });
            const call = first.tool_calls[0];
            const result = await startActiveObservation(
              call.function.name,
              async (tool) => {
                tool.update({ input: JSON.parse(call.function.arguments), metadata: { toolCallId: call.id } });
                tool.update({ output: WEATHER_RESULT });
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
      return { notes: ["One trace: agent 'weather-agent' > generation 'plan' (tool call), tool 'get_weather', generation 'answer'."] };
    },

    async embeddings({ client }) {
      await propagateAttributes(PROPAGATED, async () => {
        const emb = startObservation("embed-query", { model: MOCK.embeddings.model, input: EMBEDDING_INPUT }, { asType: "embedding" });
        const r = await client.embeddings.create({ model: MOCK.embeddings.model, input: EMBEDDING_INPUT });
        emb.update({ output: { dimensions: r.data[0].embedding.length }, usageDetails: { input: r.usage.prompt_tokens, total: r.usage.total_tokens } }).end();
      });
    },

    async error({ client }) {
      let failed = false;
      await propagateAttributes(PROPAGATED, () =>
        startActiveObservation(
          "failing-agent",
          async (agent) => {
            agent.update({ input: CHAT_MESSAGES[1].content });
            const gen = startObservation("failing-call", { model: MOCK.failModel, modelParameters: PARAMS, input: CHAT_MESSAGES }, { asType: "generation" });
            try {
              await client.chat.completions.create({ model: MOCK.failModel, messages: CHAT_MESSAGES, ...PARAMS });
            } catch (e) {
              failed = true;
              gen.update({ level: "ERROR", statusMessage: e.message }).end();
              agent.update({ level: "ERROR", statusMessage: `generation failed: ${e.message}` });
            }
          },
          { asType: "agent" },
        ),
      );
      if (!failed) throw new Error("the error scenario did not fail");
      return { notes: ["The user records the failure with level ERROR + statusMessage (Langfuse leaves the OTel status UNSET)."] };
    },
  },
});
