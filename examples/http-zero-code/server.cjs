/**
 * The CommonJS twin of server.mjs, for `--require`:
 *
 *   CANONSPAN_SINKS=console,file:spans.jsonl node --require canonspan/register server.cjs
 */
"use strict";
const http = require("node:http");
const { OpenAI } = require("openai");

let client;

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

async function main() {
  // OPENAI_BASE_URL (+ OPENAI_API_KEY) when set, else a local mock (no key, no network).
  const { llmEndpoint } = await import("../shared/llm-endpoint.mjs");
  const llm = await llmEndpoint();
  client = new OpenAI({ baseURL: llm.baseURL, apiKey: llm.apiKey, maxRetries: 0 });
  server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1", () => {
    const { address, port } = server.address();
    console.log(`listening on http://${address}:${port}`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      server.close();
      llm.close();
    });
  }
}

main();
