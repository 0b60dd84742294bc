/**
 * The five scenarios run through a plain `openai` client, shared by the capture scripts and live
 * children of the instrumentations that patch `openai` (official OTel, OpenInference,
 * OpenLLMetry: see scenarios/*-openai.mjs), and the request literals other scenarios reuse.
 */
import { createRequire } from "node:module";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { MOCK } from "./mock-llm.mjs";

const require = createRequire(import.meta.url);

/**
 * Loads `openai` through `require` *after* the instrumentation is registered, so the
 * require-in-the-middle hooks patch it, and returns a client bound to the mock (no retries,
 * so the error scenario makes exactly one failing call).
 */
export function openaiClient(mock) {
  const { OpenAI } = require("openai");
  return new OpenAI({ baseURL: mock.baseURL, apiKey: "sk-mock-not-a-secret", maxRetries: 0 });
}

export const CHAT_MESSAGES = [
  { role: "system", content: "You are a terse assistant." },
  { role: "user", content: "Say hello." },
];

export const WEATHER_TOOL = {
  type: "function",
  function: {
    name: MOCK.tool.name,
    description: "Current weather of a city.",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  },
};

/** The tool's result fed back in the follow-up call. */
export const WEATHER_RESULT = { city: "Paris", forecast: "sunny", temperatureC: 21 };

export const EMBEDDING_INPUT = "The quick brown fox.";

function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Scenario functions taking `{ client }`. */
export const OPENAI_SCENARIOS = {
  async chat({ client }) {
    const r = await client.chat.completions.create({ model: MOCK.chatModel, messages: CHAT_MESSAGES, temperature: 0.2, max_tokens: 64 });
    assertEqual(r.choices[0]?.message.content, MOCK.text, "chat text");
  },

  async stream({ client }) {
    const stream = await client.chat.completions.create({
      model: MOCK.chatModel,
      messages: CHAT_MESSAGES,
      temperature: 0.2,
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    assertEqual(text, MOCK.text, "streamed text");
  },

  async tool({ client }) {
    const messages = [{ role: "user", content: "What is the weather in Paris?" }];
    const first = await client.chat.completions.create({ model: MOCK.chatModel, messages, tools: [WEATHER_TOOL] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assertEqual(call?.id, MOCK.tool.callId, "tool call id");
    messages.push(first.choices[0].message);
    messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(WEATHER_RESULT) });
    const second = await client.chat.completions.create({ model: MOCK.chatModel, messages, tools: [WEATHER_TOOL] });
    assertEqual(second.choices[0]?.message.content, MOCK.toolFollowUpText, "tool follow-up text");
    return { notes: ["Two separate chat calls (no parent span): the tool call, then the follow-up carrying the tool result."] };
  },

  async embeddings({ client }) {
    const r = await client.embeddings.create({ model: MOCK.embeddings.model, input: EMBEDDING_INPUT });
    assertEqual(r.data[0]?.embedding.length, MOCK.embeddings.vector.length, "embedding length");
  },

  async error({ client }) {
    try {
      await client.chat.completions.create({ model: MOCK.failModel, messages: CHAT_MESSAGES });
    } catch (e) {
      assertEqual(e.status, MOCK.error.status, "error status");
      return { notes: [`One chat call with model ${MOCK.failModel}; the mock answered HTTP ${MOCK.error.status}.`] };
    }
    throw new Error("the error scenario did not fail");
  },
};

/**
 * Wiring + scenarios of an instrumentation that patches `openai`, in the shape both harnesses
 * take (`runCapture` in harness.mjs, `runLive` in test/live/children/live-harness.mjs).
 * `instrumentation()` is called inside `setup`, after the tracer provider is registered: the
 * instance hooks `require` as it is built. registerInstrumentations, not setTracerProvider +
 * enable by hand (which crashes the official instrumentation on streams).
 *
 * @param {() => object} instrumentation builds the instrumentation
 * @param {{ withLogs?: boolean }} [o] withLogs (default false): the instrumentation writes log records
 */
export function patchedOpenai(instrumentation, { withLogs = false } = {}) {
  return {
    withLogs,
    setup({ mock, tracerProvider, loggerProvider }) {
      registerInstrumentations({ instrumentations: [instrumentation()], tracerProvider, loggerProvider });
      return { client: openaiClient(mock) };
    },
    scenarios: OPENAI_SCENARIOS,
  };
}
