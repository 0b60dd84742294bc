/**
 * Vercel AI SDK token usage of every generation (CONVENTIONS.md §4.1, §8.4): v3/v4
 * `promptTokens`/`completionTokens`, v5 mixed names, v6 `inputTokenDetails`/`outputTokenDetails`,
 * embeddings `ai.usage.tokens`, and cache / reasoning counts that only sit in the provider's
 * `ai.response.providerMetadata`.
 */
import type { Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { JsonValue } from "../model/record";
import type { SpanView } from "../read/span-view";
import { asCount } from "../read/values";

/** `[attribute key, usage field]`; every key is its own source id in precedence.ts. */
const USAGE_KEYS: ReadonlyArray<readonly [string, Field]> = [
  ["ai.usage.inputTokens", "usage.inputTokens"],
  ["ai.usage.promptTokens", "usage.inputTokens"],
  ["ai.usage.outputTokens", "usage.outputTokens"],
  ["ai.usage.completionTokens", "usage.outputTokens"],
  ["ai.usage.totalTokens", "usage.totalTokens"],
  ["ai.usage.inputTokenDetails.cacheReadTokens", "usage.cacheReadTokens"],
  ["ai.usage.cachedInputTokens", "usage.cacheReadTokens"],
  ["ai.usage.inputTokenDetails.cacheWriteTokens", "usage.cacheWriteTokens"],
  ["ai.usage.outputTokenDetails.reasoningTokens", "usage.reasoningTokens"],
  ["ai.usage.reasoningTokens", "usage.reasoningTokens"],
];

type Obj = Record<string, JsonValue>;

function child(o: unknown, key: string): unknown {
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  return Object.prototype.hasOwnProperty.call(o, key) ? (o as Obj)[key] : undefined;
}

function path(o: unknown, ...keys: string[]): unknown {
  let cur = o;
  for (const k of keys) cur = child(cur, k);
  return cur;
}

/** Sum of the counts that are present, or undefined when none is. */
function sum(...vs: unknown[]): number | undefined {
  let total: number | undefined;
  for (const v of vs) {
    const n = asCount(v);
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total;
}

interface ProviderCounts {
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

/**
 * Cache and reasoning counts in `ai.response.providerMetadata` (§8.4): OpenAI
 * `cachedPromptTokens`/`reasoningTokens`, Anthropic `usage.cache_*` (and the AI SDK's own
 * `cacheCreationInputTokens`), Bedrock `usage.cacheRead/WriteInputTokens`.
 */
export function providerMetadataCounts(meta: unknown): ProviderCounts {
  const out: ProviderCounts = {};
  const openai = child(meta, "openai");
  const anthropic = child(meta, "anthropic");
  const bedrock = child(meta, "bedrock");
  out.cacheRead =
    asCount(child(openai, "cachedPromptTokens")) ??
    asCount(path(anthropic, "usage", "cache_read_input_tokens")) ??
    asCount(path(bedrock, "usage", "cacheReadInputTokens"));
  out.cacheWrite =
    asCount(path(anthropic, "usage", "cache_creation_input_tokens")) ??
    sum(
      path(anthropic, "usage", "cache_creation", "ephemeral_5m_input_tokens"),
      path(anthropic, "usage", "cache_creation", "ephemeral_1h_input_tokens"),
    ) ??
    asCount(child(anthropic, "cacheCreationInputTokens")) ??
    asCount(path(bedrock, "usage", "cacheWriteInputTokens"));
  out.reasoning = asCount(child(openai, "reasoningTokens"));
  return out;
}

/** Offers every AI SDK usage count the span carries. */
export function extractAiSdkUsage(v: SpanView, f: Facts): void {
  if (v.hasPrefix("ai.usage.")) {
    for (const [key, field] of USAGE_KEYS) f.add(field, key, v.count(key));
    // Embeddings report one count: the tokens of the embedded input.
    const tokens = v.count("ai.usage.tokens");
    f.add("usage.inputTokens", "ai.usage.tokens", tokens);
    f.add("usage.totalTokens", "ai.usage.tokens", tokens);
  }
  if (v.has("ai.response.providerMetadata")) {
    const c = providerMetadataCounts(v.obj("ai.response.providerMetadata"));
    // The metadata holds more than counts (service tier, logprobs…): it stays in extras.
    f.add("usage.cacheReadTokens", "ai.response.providerMetadata#cacheRead", c.cacheRead, []);
    f.add("usage.cacheWriteTokens", "ai.response.providerMetadata#cacheWrite", c.cacheWrite, []);
    f.add("usage.reasoningTokens", "ai.response.providerMetadata#reasoning", c.reasoning, []);
  }
}
