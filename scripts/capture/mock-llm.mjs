/**
 * A loopback mock of the OpenAI HTTP API with fixed, documented answers, so that spans captured
 * from real instrumentation packages carry values tests can assert exactly (see `MOCK`).
 *
 * This file is the single source: the capture scripts import it directly and
 * `test/helpers/mock-llm.ts` loads it for jest. Plain JavaScript, Node built-ins only.
 *
 * Endpoints (everything else answers 404 with an OpenAI-style error):
 * - `POST /v1/chat/completions`: non-streaming, or SSE when `stream: true` (a final usage
 *   chunk when `stream_options.include_usage` is true). When the request offers `tools` and
 *   holds no `tool` role message, the answer is a `get_weather` tool call; otherwise text
 *   (`MOCK.text`, or `MOCK.toolFollowUpText` once a tool result is in the history).
 * - `POST /v1/embeddings`: one fixed vector per input, as floats or as base64 float32
 *   (the `openai` SDK asks for base64 by default and decodes it).
 * - Any request whose `model` is `MOCK.failModel` answers HTTP 500 with `MOCK.error.body`.
 *
 * The Responses API (`/v1/responses`) is not served: every capture uses chat completions.
 */
import http from "node:http";

/** Fixed values of every answer; tests reference these instead of literals. */
export const MOCK = deepFreeze({
  chatModel: "gpt-4o-mini",
  /** What `gpt-4o-mini` answers as `model`; any other requested model is echoed back. */
  responseModel: "gpt-4o-mini-2024-07-18",
  chatId: "chatcmpl-mock-1",
  /** Unix seconds of every `created` field. */
  created: 1_700_000_000,
  systemFingerprint: "fp_mock",
  /** The `x-request-id` response header. */
  requestId: "req_mock_1",
  text: "Hello from the mock.",
  /** The same text, as the content deltas of a streamed answer. */
  streamChunks: ["Hello", " from", " the", " mock."],
  toolFollowUpText: "It is sunny in Paris, 21 degrees.",
  finishReason: "stop",
  tool: {
    name: "get_weather",
    callId: "call_mock_1",
    arguments: '{"city":"Paris"}',
    finishReason: "tool_calls",
  },
  /** Usage of every chat completion (each call of a multi-step run reports the same). */
  usage: {
    prompt_tokens: 42,
    completion_tokens: 17,
    total_tokens: 59,
    prompt_tokens_details: { cached_tokens: 10, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 5, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  embeddings: {
    model: "text-embedding-3-small",
    /** Exactly representable in float32, so base64 round trips give the same numbers. */
    vector: [0.25, -0.5, 0.125, 1],
    usage: { prompt_tokens: 8, total_tokens: 8 },
  },
  /**
   * Not served by the mock: the cost (USD) the Langfuse capture reports for one chat completion,
   * from gpt-4o-mini list prices (0.15 $/M input, 0.075 $/M cached input, 0.60 $/M output).
   */
  cost: { input: 0.00000555, output: 0.0000102, total: 0.00001575 },
  failModel: "fail-model",
  error: {
    status: 500,
    body: { error: { message: "The mock server failed on purpose.", type: "server_error", param: null, code: "mock_failure" } },
  },
});

/** Largest request body read; bigger bodies are refused (413) so a test cannot exhaust memory. */
const MAX_BODY_BYTES = 1_048_576;
/** How many requests `requests` keeps (oldest dropped first). */
const MAX_RECORDED_REQUESTS = 200;

function deepFreeze(value) {
  for (const v of Object.values(value)) if (v && typeof v === "object") deepFreeze(v);
  return Object.freeze(value);
}

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

function responseModelFor(requested) {
  return requested === MOCK.chatModel ? MOCK.responseModel : String(requested ?? MOCK.chatModel);
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": MOCK.requestId,
  });
  res.end(text);
}

function openAiError(message, type, code) {
  return { error: { message, type, param: null, code } };
}

/** True when the request offers tools and has no tool result yet: answer with a tool call. */
function wantsToolCall(body) {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return tools.length > 0 && !messages.some((m) => m && m.role === "tool");
}

function hasToolResult(body) {
  return Array.isArray(body.messages) && body.messages.some((m) => m && m.role === "tool");
}

function toolCall() {
  return { id: MOCK.tool.callId, type: "function", function: { name: MOCK.tool.name, arguments: MOCK.tool.arguments } };
}

function chatCompletion(body) {
  const callsTool = wantsToolCall(body);
  const message = callsTool
    ? { role: "assistant", content: null, tool_calls: [toolCall()], refusal: null, annotations: [] }
    : { role: "assistant", content: hasToolResult(body) ? MOCK.toolFollowUpText : MOCK.text, refusal: null, annotations: [] };
  return {
    id: MOCK.chatId,
    object: "chat.completion",
    created: MOCK.created,
    model: responseModelFor(body.model),
    system_fingerprint: MOCK.systemFingerprint,
    service_tier: "default",
    choices: [{ index: 0, message, logprobs: null, finish_reason: callsTool ? MOCK.tool.finishReason : MOCK.finishReason }],
    usage: clone(MOCK.usage),
  };
}

/** The chunks of a streamed chat completion, in order (without the final `[DONE]`). */
function chatChunks(body) {
  const base = {
    id: MOCK.chatId,
    object: "chat.completion.chunk",
    created: MOCK.created,
    model: responseModelFor(body.model),
    system_fingerprint: MOCK.systemFingerprint,
    service_tier: "default",
  };
  const includeUsage = Boolean(body.stream_options && body.stream_options.include_usage);
  const chunk = (delta, finishReason = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const out = [];
  if (wantsToolCall(body)) {
    out.push(chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, ...toolCall(), function: { name: MOCK.tool.name, arguments: "" } }] }));
    out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: MOCK.tool.arguments } }] }));
    out.push(chunk({}, MOCK.tool.finishReason));
  } else {
    const pieces = hasToolResult(body) ? [MOCK.toolFollowUpText] : MOCK.streamChunks;
    out.push(chunk({ role: "assistant", content: "", refusal: null }));
    for (const p of pieces) out.push(chunk({ content: p }));
    out.push(chunk({}, MOCK.finishReason));
  }
  if (includeUsage) out.push({ ...base, choices: [], usage: clone(MOCK.usage) });
  return out;
}

function sendStream(res, chunks) {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": MOCK.requestId,
  });
  for (const c of chunks) res.write(`data: ${JSON.stringify(c)}\n\n`);
  res.end("data: [DONE]\n\n");
}

function float32Base64(vector) {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString("base64");
}

function embeddingsResponse(body) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const base64 = body.encoding_format === "base64";
  return {
    object: "list",
    data: inputs.map((_, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? float32Base64(MOCK.embeddings.vector) : [...MOCK.embeddings.vector],
    })),
    model: String(body.model ?? MOCK.embeddings.model),
    usage: clone(MOCK.embeddings.usage),
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error("body too large"), { status: 413 }));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

async function handle(req, res, requests) {
  const path = (req.url ?? "").split("?")[0];
  if (req.method !== "POST") return sendJson(res, 404, openAiError(`No route for ${req.method} ${path}`, "invalid_request_error", "not_found"));
  let body;
  try {
    const text = await readBody(req);
    body = text.length > 0 ? JSON.parse(text) : {};
  } catch (e) {
    return sendJson(res, e.status ?? 400, openAiError("Could not read a JSON body.", "invalid_request_error", "bad_body"));
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) body = {};
  requests.push({ method: req.method, path, body });
  if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();

  if (body.model === MOCK.failModel) return sendJson(res, MOCK.error.status, clone(MOCK.error.body));
  if (path === "/v1/chat/completions") {
    if (body.stream === true) return sendStream(res, chatChunks(body));
    return sendJson(res, 200, chatCompletion(body));
  }
  if (path === "/v1/embeddings") return sendJson(res, 200, embeddingsResponse(body));
  return sendJson(res, 404, openAiError(`No route for POST ${path}`, "invalid_request_error", "not_found"));
}

/**
 * Starts the mock on 127.0.0.1 (port 0 = ephemeral unless `port` is given).
 * Resolves to `{ port, url, baseURL, requests, close }`: `baseURL` ends in `/v1` (what OpenAI
 * clients take), `requests` lists the parsed requests received (newest last, at most 200),
 * `close()` stops the server and drops open connections.
 */
export function startMockLlm(options = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    handle(req, res, requests).catch(() => {
      if (!res.headersSent) sendJson(res, 500, openAiError("mock internal error", "server_error", null));
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      const { port } = server.address();
      const url = `http://127.0.0.1:${port}`;
      resolve({
        port,
        url,
        baseURL: `${url}/v1`,
        requests,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
