/**
 * Langfuse `usage_details` and `cost_details` (CONVENTIONS.md §5, §8.4–8.5).
 *
 * Langfuse usage keys are free-form and **additive**: its integrations subtract every detail from
 * the bucket it belongs to (`input` = prompt − `input_*` details, `output` = completion −
 * `output_*` details) and `total` is the sum of all keys. canonspan counts are inclusive, so the
 * details are added back. When `input + output` already equals `total` while details are
 * present, the writer put inclusive numbers under `input` / `output`: they are kept as they are.
 */
import type { Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { JsonValue } from "../model/record";
import type { SpanView } from "../read/span-view";
import { asCount, asNumber } from "../read/values";

export const USAGE_KEY = "langfuse.observation.usage_details";
export const COST_KEY = "langfuse.observation.cost_details";

type Obj = Record<string, JsonValue>;

function count(o: Obj, names: readonly string[]): number | undefined {
  for (const n of names) {
    if (!Object.prototype.hasOwnProperty.call(o, n)) continue;
    const c = asCount(o[n]);
    if (c !== undefined) return c;
  }
  return undefined;
}

/** `[names, field, source suffix]` of the sub-counts canonspan models. */
const DETAILS: ReadonlyArray<readonly [readonly string[], Field, string]> = [
  [["input_cached_tokens", "input_cache_read", "cache_read_input_tokens", "cache_read"], "usage.cacheReadTokens", "cache_read"],
  [["input_cache_creation", "input_cache_write", "cache_creation_input_tokens", "cache_write"], "usage.cacheWriteTokens", "cache_write"],
  [["output_reasoning_tokens", "output_reasoning", "reasoning_tokens", "reasoning"], "usage.reasoningTokens", "reasoning"],
  [["input_audio_tokens", "input_audio"], "usage.audioInputTokens", "audio_input"],
  [["output_audio_tokens", "output_audio"], "usage.audioOutputTokens", "audio_output"],
];
const INPUT_INCLUSIVE = ["prompt_tokens", "input_tokens"];
const OUTPUT_INCLUSIVE = ["completion_tokens", "output_tokens"];
const TOTAL = ["total", "total_tokens"];
const MODELED = new Set(["input", "output", ...INPUT_INCLUSIVE, ...OUTPUT_INCLUSIVE, ...TOTAL, ...DETAILS.flatMap((d) => d[0])]);
/** Detail keys outside the `input_` / `output_` prefixes that still belong to a bucket. */
const INPUT_DETAIL = new Set(["cache_read_input_tokens", "cache_creation_input_tokens", "cache_read", "cache_write"]);
const OUTPUT_DETAIL = new Set(["reasoning_tokens", "reasoning"]);

/** Sum of the detail counts of one bucket. */
function detailSum(o: Obj, prefix: string, extra: ReadonlySet<string>): number {
  let sum = 0;
  for (const k of Object.keys(o)) {
    if (!(k.startsWith(prefix) || extra.has(k))) continue;
    sum += asCount(o[k]) ?? 0;
  }
  return sum;
}

export function extractLangfuseUsage(v: SpanView, f: Facts): void {
  const u = v.obj(USAGE_KEY);
  if (!u) return;
  // The attribute leaves extras only when canonspan models every key it holds.
  const keys = Object.keys(u).every((k) => MODELED.has(k)) ? [USAGE_KEY] : [];
  const inAdd = count(u, ["input"]);
  const outAdd = count(u, ["output"]);
  const total = count(u, TOTAL);
  const inDetails = detailSum(u, "input_", INPUT_DETAIL);
  const outDetails = detailSum(u, "output_", OUTPUT_DETAIL);
  const alreadyInclusive = total !== undefined && total === (inAdd ?? 0) + (outAdd ?? 0) && inDetails + outDetails > 0;
  const input = inAdd !== undefined ? inAdd + (alreadyInclusive ? 0 : inDetails) : count(u, INPUT_INCLUSIVE);
  const output = outAdd !== undefined ? outAdd + (alreadyInclusive ? 0 : outDetails) : count(u, OUTPUT_INCLUSIVE);
  f.add("usage.inputTokens", `${USAGE_KEY}#input`, input, keys);
  f.add("usage.outputTokens", `${USAGE_KEY}#output`, output, keys);
  f.add("usage.totalTokens", `${USAGE_KEY}#total`, total, keys);
  for (const [names, field, suffix] of DETAILS) f.add(field, `${USAGE_KEY}#${suffix}`, count(u, names), keys);
}

const COST_MODELED = new Set(["input", "output", "total"]);

export function extractLangfuseCost(v: SpanView, f: Facts): void {
  const c = v.obj(COST_KEY);
  if (!c) return;
  const keys = Object.keys(c).every((k) => COST_MODELED.has(k)) ? [COST_KEY] : [];
  const own = (k: string): unknown => (Object.prototype.hasOwnProperty.call(c, k) ? c[k] : undefined);
  f.add("cost.inputUsd", `${COST_KEY}#input`, asNumber(own("input")), keys);
  f.add("cost.outputUsd", `${COST_KEY}#output`, asNumber(own("output")), keys);
  f.add("cost.totalUsd", `${COST_KEY}#total`, asNumber(own("total")), keys);
}
