/**
 * `@langfuse/tracing` (v5) observations built the way its users build them by hand, shared by the
 * capture script and the live child. Langfuse does not call the model itself: a plain
 * (uninstrumented) `openai` client calls the mock and its real answers fill the observations.
 *
 * Scenarios: `chat` (one generation), `stream` (a generation fed from a stream, with
 * completionStartTime), `tool` (an agent containing a generation, a tool and a final
 * generation), `embeddings` (an embedding observation), `error` (an agent whose generation
 * fails, recorded with level ERROR). All run inside `propagateAttributes`.
 */
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { propagateAttributes, startActiveObservation, startObservation } from "@langfuse/tracing";
import { MOCK } from "../mock-llm.mjs";
import { CHAT_MESSAGES, EMBEDDING_INPUT, WEATHER_RESULT, WEATHER_TOOL, openaiClient } from "../openai-scenarios.mjs";

const COST = { ...MOCK.cost };

/** Usage with inclusive counts (`input` includes cached tokens, `output` reasoning tokens). */
export function inclusiveUsage(usage) {
  return {
    input: usage.prompt_tokens,
    output: usage.completion_tokens,
    total: usage.total_tokens,
    input_cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    output_reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/**
 * Usage the way Langfuse's own OpenAI integration reports it: additive buckets (`input` excludes
 * the `input_*` details, `output` the `output_*` ones; `total` is the sum).
 */
export function additiveUsage(u) {
  return {
    input: u.prompt_tokens - u.prompt_tokens_details.cached_tokens,
    input_cached_tokens: u.prompt_tokens_details.cached_tokens,
    output: u.completion_tokens - u.completion_tokens_details.reasoning_tokens,
    output_reasoning_tokens: u.completion_tokens_details.reasoning_tokens,
    total: u.total_tokens,
  };
}

/**
 * The `LangfuseSpanProcessor` every Langfuse user puts in the provider: it stamps environment,
 * release and the propagated user/session/tags/metadata on each span in `onStart`.
 *
 * @param {object} o
 * @param {object} o.exporter where Langfuse's processor exports
 * @param {string} o.environment
 * @param {string} [o.release] (default: none)
 * @param {{ url: string }} o.mock
 */
export function langfuseProcessor({ exporter, environment, release, mock }) {
  return new LangfuseSpanProcessor({
    exporter,
    exportMode: "immediate",
    environment,
    release,
    mediaUploadEnabled: false,
    // Never used with a custom exporter and no media upload; set so nothing falls back to the cloud URL.
    publicKey: "pk-lf-mock",
    secretKey: "sk-lf-mock-not-a-secret",
    baseUrl: mock.url,
  });
}

/**
 * Wiring + scenarios in the shape both harnesses take; the span processor is the caller's
 * (see langfuseProcessor): the capture and the live child place it differently.
 *
 * @param {object} o
 * @param {object} o.propagated user/session/tags(/metadata) given to `propagateAttributes`
 * @param {(usage: object) => object} o.usageDetails how the user turns an OpenAI usage into `usageDetails` (inclusiveUsage, additiveUsage)
 * @param {object} [o.params] request parameters sent and recorded as `modelParameters` (default none)
 * @param {boolean} [o.annotate] also record what a thorough user adds: the agents' input, the
 *   generations' finish reason and response id, the tool call id, the streamed response's model (default false)
 */
export function langfuseScenarios({ propagated, usageDetails, params, annotate = false }) {
  const modelParameters = params ? { modelParameters: params } : {};

  function generation(client, name, messages, extra = {}) {
    return startActiveObservation(
      name,
      async (gen) => {
        gen.update({ model: MOCK.chatModel, ...modelParameters, input: messages });
        const r = await client.chat.completions.create({ model: MOCK.chatModel, messages, ...params, ...extra });
        const choice = r.choices[0];
        const metadata = annotate ? { metadata: { finishReason: choice.finish_reason, responseId: r.id } } : {};
        gen.update({ model: r.model, output: choice.message, usageDetails: usageDetails(r.usage), costDetails: COST, ...metadata });
        return choice.message;
      },
      { asType: "generation" },
    );
  }

  const scenarios = {
    async chat({ client }) {
      await generation(client, "chat-completion", CHAT_MESSAGES);
    },

    async stream({ client }) {
      await startActiveObservation(
        "streamed-completion",
        async (gen) => {
          gen.update({ model: MOCK.chatModel, ...modelParameters, input: CHAT_MESSAGES });
          const stream = await client.chat.completions.create({ model: MOCK.chatModel, messages: CHAT_MESSAGES, ...params, stream: true, stream_options: { include_usage: true } });
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
          const responseModel = annotate ? { model } : {};
          gen.update({ ...responseModel, completionStartTime: first, output: { role: "assistant", content: text }, usageDetails: usageDetails(usage), costDetails: COST });
        },
        { asType: "generation" },
      );
    },

    async tool({ client }) {
      await startActiveObservation(
        "weather-agent",
        async (agent) => {
          const question = "What is the weather in Paris?";
          if (annotate) agent.update({ input: question });
          const messages = [{ role: "user", content: question }];
          const first = await generation(client, "plan", messages, { tools: [WEATHER_TOOL] });
          const call = first.tool_calls[0];
          const result = await startActiveObservation(
            call.function.name,
            async (tool) => {
              tool.update({ input: JSON.parse(call.function.arguments), ...(annotate ? { metadata: { toolCallId: call.id } } : {}) });
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
      );
      return { notes: ["One trace: agent 'weather-agent' > generation 'plan' (tool call), tool 'get_weather', generation 'answer'."] };
    },

    async embeddings({ client }) {
      const emb = startObservation("embed-query", { model: MOCK.embeddings.model, input: EMBEDDING_INPUT }, { asType: "embedding" });
      const r = await client.embeddings.create({ model: MOCK.embeddings.model, input: EMBEDDING_INPUT });
      emb.update({ output: { dimensions: r.data[0].embedding.length }, usageDetails: { input: r.usage.prompt_tokens, total: r.usage.total_tokens } }).end();
    },

    async error({ client }) {
      await startActiveObservation(
        "failing-agent",
        async (agent) => {
          if (annotate) agent.update({ input: CHAT_MESSAGES[1].content });
          const gen = startObservation("failing-call", { model: MOCK.failModel, ...modelParameters, input: CHAT_MESSAGES }, { asType: "generation" });
          try {
            await client.chat.completions.create({ model: MOCK.failModel, messages: CHAT_MESSAGES, ...params });
            throw new Error("the error scenario did not fail");
          } catch (e) {
            if (e.status !== MOCK.error.status) throw e;
            gen.update({ level: "ERROR", statusMessage: e.message }).end();
            agent.update({ level: "ERROR", statusMessage: `generation failed: ${e.message}` });
          }
        },
        { asType: "agent" },
      );
      return { notes: ["The user records the failure with level ERROR + statusMessage (Langfuse leaves the OTel status UNSET)."] };
    },
  };

  return {
    setup: ({ mock }) => ({ client: openaiClient(mock) }),
    // Each scenario is one trace carrying the propagated user context, as a user's request would.
    scenarios: Object.fromEntries(Object.entries(scenarios).map(([name, run]) => [name, (ctx) => propagateAttributes(propagated, () => run(ctx))])),
  };
}
