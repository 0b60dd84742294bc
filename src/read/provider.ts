/**
 * Canonical provider names (CONVENTIONS.md §8.3 table). Matching is case-insensitive; AI SDK
 * provider ids (`openai.chat`, `google.vertex.chat`) are matched by prefix, as AI SDK 7 does.
 */

const EXACT: Readonly<Record<string, string>> = {
  openai: "openai",
  "azure.ai.openai": "azure_openai",
  "az.ai.openai": "azure_openai",
  "azure openai": "azure_openai",
  azure: "azure_openai",
  azure_openai: "azure_openai",
  "azure.ai.inference": "azure_ai_inference",
  "az.ai.inference": "azure_ai_inference",
  azure_ai_inference: "azure_ai_inference",
  anthropic: "anthropic",
  "aws.bedrock": "aws_bedrock",
  bedrock: "aws_bedrock",
  "amazon-bedrock": "aws_bedrock",
  aws: "aws_bedrock",
  amazon: "aws_bedrock",
  aws_bedrock: "aws_bedrock",
  "gcp.vertex_ai": "google_vertex",
  vertex_ai: "google_vertex",
  vertexai: "google_vertex",
  "google-vertex": "google_vertex",
  google_vertex: "google_vertex",
  "gcp.gemini": "google_gemini",
  gemini: "google_gemini",
  "gcp.gen_ai": "google_gemini",
  google: "google_gemini",
  google_gemini: "google_gemini",
  mistral_ai: "mistral",
  mistralai: "mistral",
  mistral: "mistral",
  cohere: "cohere",
  x_ai: "xai",
  xai: "xai",
  together_ai: "together",
  togetherai: "together",
  together: "together",
  "ibm.watsonx.ai": "watsonx",
  watsonx: "watsonx",
  aleph_alpha: "aleph_alpha",
  alephalpha: "aleph_alpha",
  hugging_face: "hugging_face",
};

/** Prefixes of AI SDK provider ids, first match wins (order matters: `azure-openai` before `azure`). */
const PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ["google.vertex", "google_vertex"],
  ["google-vertex", "google_vertex"],
  ["google.generative-ai", "google_gemini"],
  ["amazon-bedrock", "aws_bedrock"],
  ["bedrock", "aws_bedrock"],
  ["azure-openai", "azure_openai"],
  ["anthropic", "anthropic"],
  ["openai", "openai"],
  ["azure", "azure_openai"],
  ["google", "google_gemini"],
  ["mistral", "mistral"],
  ["cohere", "cohere"],
  ["groq", "groq"],
  ["deepseek", "deepseek"],
  ["perplexity", "perplexity"],
  ["xai", "xai"],
];

/** Framework names some instrumentations put in `gen_ai.system`: not providers. */
const FRAMEWORKS = new Set(["langchain", "crewai", "llamaindex", "llama_index", "haystack"]);

/** Canonical provider for a raw value, or undefined for empty values and framework names. */
export function normalizeProvider(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const v = raw.trim().toLowerCase();
  if (v === "" || FRAMEWORKS.has(v)) return undefined;
  if (Object.prototype.hasOwnProperty.call(EXACT, v)) return EXACT[v];
  for (const [prefix, canonical] of PREFIXES) if (v.startsWith(prefix)) return canonical;
  return v.replace(/[^a-z0-9_.-]/g, "_");
}

/** Provider from a server host name (§8.3 last resort). */
export function providerFromHost(host: unknown): string | undefined {
  if (typeof host !== "string") return undefined;
  let h = host.toLowerCase();
  const scheme = h.indexOf("://");
  if (scheme >= 0) h = h.slice(scheme + 3);
  // Host part: up to the first `/` or `:` (a loop, not `split(/[/:]/)`, which allocates per span).
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c === 47 || c === 58) {
      h = h.slice(0, i);
      break;
    }
  }
  if (h === "api.openai.com") return "openai";
  if (h === "api.anthropic.com") return "anthropic";
  if (h.endsWith(".openai.azure.com")) return "azure_openai";
  if (h.startsWith("bedrock-runtime.")) return "aws_bedrock";
  if (h === "generativelanguage.googleapis.com") return "google_gemini";
  if (h.endsWith("aiplatform.googleapis.com")) return "google_vertex";
  if (h === "api.mistral.ai") return "mistral";
  if (h === "api.groq.com") return "groq";
  if (h === "api.deepseek.com") return "deepseek";
  if (h === "api.x.ai") return "xai";
  return undefined;
}
