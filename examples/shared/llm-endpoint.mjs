/**
 * Where the examples send their model calls: `OPENAI_BASE_URL` (+ `OPENAI_API_KEY`) when set —
 * e.g. `https://api.openai.com/v1` with a real key — otherwise a mock OpenAI server started here
 * on 127.0.0.1, so every example runs offline with no key.
 */
import { startMockLlm } from "../../scripts/capture/mock-llm.mjs";

/** Resolves to `{ baseURL, apiKey, close() }`; `close()` stops the mock (a no-op for a real endpoint). */
export async function llmEndpoint() {
  const baseURL = process.env.OPENAI_BASE_URL;
  // OpenAI-compatible local servers often need no key, but the client insists on one.
  if (baseURL) return { baseURL, apiKey: process.env.OPENAI_API_KEY || "no-key", close: async () => {} };
  const mock = await startMockLlm();
  return { baseURL: mock.baseURL, apiKey: "sk-mock-not-a-real-key", close: mock.close };
}
