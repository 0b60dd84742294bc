/**
 * The demo's agent: plain application code on the real `openai` client. The OpenAI calls are
 * traced by the OTel GenAI instrumentation; the agent adds only what no library can know — its
 * own `invoke_agent` span and an `execute_tool` span around each tool it runs — with the GenAI
 * semantic-convention keys, through the plain `@opentelemetry/api`.
 */
import { SpanStatusCode, trace } from "@opentelemetry/api";

export const AGENT_NAME = "weather-agent";

const tracer = trace.getTracer("canonspan-demo-agent");

/** The one tool the agent offers the model. */
export const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather of a city.",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  },
};

/** The tool's implementation (a real agent would call a weather service here). */
function getWeather({ city }) {
  return { city, forecast: "sunny", temperatureC: 21 };
}

const TOOLS = { get_weather: getWeather };

/** Runs one tool call inside an `execute_tool` span and returns the tool message for the model. */
async function executeTool(call) {
  return tracer.startActiveSpan(`execute_tool ${call.function.name}`, async (span) => {
    span.setAttributes({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": call.function.name,
      "gen_ai.tool.call.id": call.id,
      "gen_ai.tool.type": "function",
      "gen_ai.tool.call.arguments": call.function.arguments,
    });
    try {
      const fn = TOOLS[call.function.name];
      if (!fn) throw new Error(`unknown tool ${call.function.name}`);
      const result = JSON.stringify(await fn(JSON.parse(call.function.arguments)));
      span.setAttribute("gen_ai.tool.call.result", result);
      return { role: "tool", tool_call_id: call.id, content: result };
    } catch (e) {
      span.recordException(e);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      return { role: "tool", tool_call_id: call.id, content: JSON.stringify({ error: e.message }) };
    } finally {
      span.end();
    }
  });
}

/**
 * One agent run under an `invoke_agent` span: each `step(ctx)` talks to the model through
 * `ctx.chat(params)`; the run's total token usage goes on the agent span (a roll-up, which
 * canonspan marks `aggregate: true` so it is never counted twice). A failing step ends the run
 * with status ERROR; the error is returned, not thrown.
 */
export async function runAgent({ client, model, steps }) {
  return tracer.startActiveSpan(`invoke_agent ${AGENT_NAME}`, async (span) => {
    span.setAttributes({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": AGENT_NAME,
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": model,
    });
    const usage = { input: 0, output: 0 };
    const count = (u) => {
      usage.input += u?.prompt_tokens ?? 0;
      usage.output += u?.completion_tokens ?? 0;
    };
    const ctx = {
      async chat(params) {
        const r = await client.chat.completions.create({ model, ...params });
        count(r.usage);
        return r;
      },
      async chatStream(params) {
        const stream = await client.chat.completions.create({ model, ...params, stream: true, stream_options: { include_usage: true } });
        let text = "";
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta?.content ?? "";
          if (chunk.usage) count(chunk.usage);
        }
        return text;
      },
      executeTool,
    };
    try {
      const answers = [];
      for (const step of steps) answers.push(await step(ctx));
      return { answers };
    } catch (e) {
      span.recordException(e);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      return { error: e };
    } finally {
      if (usage.input + usage.output > 0) {
        span.setAttributes({ "gen_ai.usage.input_tokens": usage.input, "gen_ai.usage.output_tokens": usage.output });
      }
      span.end();
    }
  });
}

/** Step: a plain question. */
export const greet = async (ctx) => {
  const r = await ctx.chat({ messages: [{ role: "system", content: "You are a terse assistant." }, { role: "user", content: "Say hello." }] });
  return r.choices[0].message.content;
};

/** Step: the same question, streamed. */
export const greetStreaming = (ctx) =>
  ctx.chatStream({ messages: [{ role: "system", content: "You are a terse assistant." }, { role: "user", content: "Say hello, slowly." }] });

/** Step: a question the model answers with a tool call; the agent runs the tool and asks again. */
export const askWeather = async (ctx) => {
  const messages = [{ role: "user", content: "What is the weather in Paris?" }];
  const first = await ctx.chat({ messages, tools: [WEATHER_TOOL] });
  const reply = first.choices[0].message;
  messages.push(reply);
  for (const call of reply.tool_calls ?? []) messages.push(await ctx.executeTool(call));
  const second = await ctx.chat({ messages, tools: [WEATHER_TOOL] });
  return second.choices[0].message.content;
};
