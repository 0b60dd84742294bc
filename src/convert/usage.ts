/**
 * Token usage and cost (CONVENTIONS.md §8.4–8.5, SPEC §1.3): input includes cached tokens and
 * output includes reasoning tokens whatever the source's convention; total is computed when
 * absent; `aggregate` marks roll-ups so that summing non-aggregate usage never double counts.
 */
import type { Cost, SpanType, Usage } from "../model/record";
import { hasOwnKeys } from "../read/values";
import { USAGE_COUNT_FIELDS } from "../facts/precedence";
import type { Picker } from "./picker";


/** Spans whose usage rolls up their children when they carry any (§8.4 last bullet). */
const ROLLUP_TYPES: ReadonlySet<SpanType> = new Set<SpanType>(["AGENT", "CHAIN", "WORKFLOW", "TASK"]);

export function buildUsage(p: Picker, type: SpanType): Usage | undefined {
  const u: Usage = { aggregate: false };
  let any = false;
  for (const [name, field] of USAGE_COUNT_FIELDS) {
    const v = p.pick(field);
    if (typeof v === "number") {
      u[name] = v;
      any = true;
    }
  }
  if (!any) return undefined;
  const cached = (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
  if (u.inputTokens !== undefined && cached > u.inputTokens) {
    // The source counted cache tokens apart from input (pre-1.40 Anthropic style): add them.
    u.inputTokens += cached;
    p.note("usage.inputTokens", "+rule:cache-inclusive");
  }
  if (u.outputTokens !== undefined && u.reasoningTokens !== undefined && u.reasoningTokens > u.outputTokens) {
    u.outputTokens += u.reasoningTokens;
    p.note("usage.outputTokens", "+rule:reasoning-inclusive");
  }
  if (u.totalTokens === undefined && (u.inputTokens !== undefined || u.outputTokens !== undefined)) {
    u.totalTokens = (u.inputTokens ?? 0) + (u.outputTokens ?? 0);
    p.setSource("usage.totalTokens", "rule:input+output");
  }
  if (p.pick("usage.aggregate") === true) u.aggregate = true;
  else if (ROLLUP_TYPES.has(type)) {
    u.aggregate = true;
    p.setSource("usage.aggregate", "rule:rollup-type");
  }
  return u;
}

export function buildCost(p: Picker): Cost | undefined {
  const c: Cost = {};
  const i = p.pick("cost.inputUsd");
  const o = p.pick("cost.outputUsd");
  const t = p.pick("cost.totalUsd");
  if (typeof i === "number") c.inputUsd = i;
  if (typeof o === "number") c.outputUsd = o;
  if (typeof t === "number") c.totalUsd = t;
  else if (c.inputUsd !== undefined && c.outputUsd !== undefined) {
    c.totalUsd = c.inputUsd + c.outputUsd;
    p.setSource("cost.totalUsd", "rule:input+output");
  }
  return hasOwnKeys(c) ? c : undefined;
}
