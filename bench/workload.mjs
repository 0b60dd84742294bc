// The workload of PERFORMANCE.md: one agent run = 8 real SDK spans — an `invoke_agent` root
// (10 attributes), 3 `chat` spans (25 gen_ai.*/server.* attributes incl. ~2 KB input and ~2 KB
// output message JSON, one event), 2 `execute_tool` spans (8 attributes; one in four with an
// exception event and ERROR status), 2 HTTP client spans (12 attributes). One in four output
// messages holds a non-Latin-1 character.
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";

const WORDS = "the quick brown fox jumps over the lazy dog while agents call tools and models answer".split(" ");
function prose(n, seed) {
  let s = "";
  for (let i = 0; s.length < n; i++) s += WORDS[(i * 7 + seed) % WORDS.length] + " ";
  return s.slice(0, n);
}
function inputMessages(seed) {
  return JSON.stringify([
    { role: "system", parts: [{ type: "text", content: prose(300, seed) }] },
    { role: "user", parts: [{ type: "text", content: prose(1500, seed + 1) }] },
  ]);
}
function outputMessages(seed) {
  const text = prose(1900, seed + 2) + (seed % 4 === 0 ? " — naïve café ✓" : "");
  return JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: text }], finish_reason: "stop" }]);
}

/** Runs `runs` agent runs (8 spans each) on `tracer`. */
export function runWorkload(tracer, runs, offset = 0) {
  for (let r = offset; r < offset + runs; r++) {
    const root = tracer.startSpan("invoke_agent travel", {
      kind: SpanKind.INTERNAL,
      attributes: {
        "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "travel", "gen_ai.agent.id": `agent-${r % 10}`,
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.conversation.id": `conv-${r}`,
        "session.id": `s-${r % 100}`, "user.id": `u-${r % 50}`, "app.run": r, "app.region": "eu",
      },
    });
    const ctx = trace.setSpan(context.active(), root);
    for (let c = 0; c < 3; c++) {
      const chat = tracer.startSpan("chat gpt-4o-mini", {
        kind: SpanKind.CLIENT,
        attributes: {
          "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.response.model": "gpt-4o-mini-2024-07-18", "gen_ai.request.temperature": 0.2, "gen_ai.request.max_tokens": 512,
          "gen_ai.request.top_p": 1, "gen_ai.request.seed": 7, "gen_ai.request.stop_sequences": ["\n\n"],
          "gen_ai.response.id": `chatcmpl-${r}-${c}`, "gen_ai.response.finish_reasons": ["stop"],
          "gen_ai.usage.input_tokens": 420, "gen_ai.usage.output_tokens": 170, "gen_ai.usage.cache_read.input_tokens": 100,
          "gen_ai.usage.reasoning.output_tokens": 20, "gen_ai.conversation.id": `conv-${r}`, "gen_ai.agent.name": "travel",
          "gen_ai.input.messages": inputMessages(r + c), "gen_ai.output.messages": outputMessages(r + c),
          "gen_ai.output.type": "text", "server.address": "api.openai.com", "server.port": 443,
          "openai.response.service_tier": "default", "openai.response.system_fingerprint": "fp_1", "gen_ai.request.frequency_penalty": 0,
        },
      }, ctx);
      chat.addEvent("gen_ai.content.chunk", { index: 0 });
      chat.end();
    }
    for (let t = 0; t < 2; t++) {
      const tool = tracer.startSpan("execute_tool get_weather", {
        attributes: {
          "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "get_weather", "gen_ai.tool.call.id": `call_${r}_${t}`,
          "gen_ai.tool.type": "function", "gen_ai.tool.call.arguments": '{"city":"Paris","unit":"c"}',
          "gen_ai.tool.call.result": '{"temp":21,"sky":"clear"}', "gen_ai.tool.description": "Weather by city", "gen_ai.agent.name": "travel",
        },
      }, ctx);
      if ((r + t) % 4 === 0) {
        tool.recordException(new Error("weather service timeout"));
        tool.setStatus({ code: SpanStatusCode.ERROR, message: "weather service timeout" });
      }
      tool.end();
    }
    for (let h = 0; h < 2; h++) {
      const http = tracer.startSpan("GET", {
        kind: SpanKind.CLIENT,
        attributes: {
          "http.request.method": "GET", "url.full": `https://api.weather.example/v1/now?city=Paris&i=${h}`, "url.scheme": "https",
          "server.address": "api.weather.example", "server.port": 443, "http.response.status_code": 200,
          "network.protocol.version": "1.1", "user_agent.original": "node", "http.request.header.accept": ["application/json"],
          "url.path": "/v1/now", "url.query": "city=Paris", "network.peer.address": "127.0.0.1",
        },
      }, ctx);
      http.end();
    }
    root.end();
  }
}
