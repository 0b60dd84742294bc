/**
 * A plain `node:http` app with no tracing code at all. canonspan traces it from the outside:
 *
 *   CANONSPAN_SINKS=console,file:spans.jsonl node --import canonspan/register server.mjs
 *
 * `canonspan/register` starts OpenTelemetry with canonspan's processor and every instrumentation
 * it finds installed: `@opentelemetry/instrumentation-http` (HTTP SERVER/CLIENT spans) and
 * `@opentelemetry/instrumentation-openai` (the model calls) when present. `GET /ask?q=...` asks
 * the model: OPENAI_BASE_URL (+ OPENAI_API_KEY) when set, else a local mock (no key, no network).
 *
 * Add OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true to record the prompts and answers.
 * PORT (default 3000) and HOST (default 127.0.0.1) choose where it listens; it prints its URL.
 */
import http from "node:http";
import OpenAI from "openai";
import { llmEndpoint } from "../shared/llm-endpoint.mjs";

const llm = await llmEndpoint();
const client = new OpenAI({ baseURL: llm.baseURL, apiKey: llm.apiKey, maxRetries: 0 });

async function ask(question) {
  const r = await client.chat.completions.create({
    model: process.env.MODEL ?? "gpt-4o-mini",
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: question },
    ],
  });
  return r.choices[0].message.content;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  try {
    if (req.method === "GET" && url.pathname === "/ask") {
      const answer = await ask(url.searchParams.get("q") ?? "Say hello.");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ answer }));
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    }
  } catch (e) {
    res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: e.message }));
  }
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});

// Stop cleanly on Ctrl-C / SIGTERM; canonspan/register flushes its records on the way out.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close();
    llm.close();
  });
}
