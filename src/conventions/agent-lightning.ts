/**
 * Agent Lightning v0.x (`agentlightning.*`, CONVENTIONS.md §6.3). v1.0 emits no OTel reward
 * attributes (rewards go through its HTTP event API), so these keys come from v0.x traces only.
 * `agentlightning.rollout_id` / `attempt_id` are read by the generic rules (attribute and
 * resource), not here.
 *
 * Rewards have no field of their own in `canonspan/v1`, so they go into `metadata`:
 * - `metadata.rewards = [{ name, value }, …]` in emission order (v0.3+ `agentlightning.reward.N.*`;
 *   a v0.2 plain `reward` and an AgentOps `{"type":"reward","value":x}` become `[{name:"primary", value}]`);
 * - `metadata.reward` = the primary value, the first entry (Agent Lightning's own rule).
 * The span type is REWARD for an `agentlightning.annotation` span carrying rewards, for an
 * `agentlightning.operation` span whose operation is `agentlightning.reward`, and for an
 * AgentOps reward span. Links (`agentlightning.link.N.{key_match,value_match}`) go to
 * `metadata.links = [{ key_match, value_match }]`; tags to `tags`; operation input/output,
 * message bodies and emitted objects to `input` / `output`.
 */
import type { Facts } from "../facts/facts";
import type { JsonObject, JsonValue } from "../model/record";
import { maybeJson } from "../read/json";
import type { SpanView } from "../read/span-view";
import { asNumber, asString } from "../read/values";
import type { Convention } from "./convention";
import { indexedEntries } from "./openinference-messages";

const ANNOTATION = "agentlightning.annotation";
const OPERATION = "agentlightning.operation";
const REWARD = "agentlightning.reward";
const AGENTOPS_OUTPUTS = ["agentops.task.output", "agentops.entity.output"];
/** Keys under `agentlightning.` that are correlation ids, read by the generic rules. */
const ID_KEYS = new Set(["agentlightning.rollout_id", "agentlightning.attempt_id", "agentlightning.span_sequence_id"]);

interface Reward {
  name: string;
  value: number;
}

function rewardsOf(v: SpanView): { rewards: Reward[]; keys: string[] } | undefined {
  const e = indexedEntries(v, REWARD);
  if (!e) return undefined;
  const rewards: Reward[] = [];
  for (const item of e.items) {
    const value = asNumber(item.value);
    if (value === undefined) continue;
    rewards.push({ name: asString(item.name) ?? (rewards.length === 0 ? "primary" : `reward_${rewards.length}`), value });
  }
  return rewards.length > 0 ? { rewards, keys: e.keys } : undefined;
}

/** AgentOps legacy reward: `{"type":"reward","value":x}` in a task/entity output. */
function agentOpsReward(v: SpanView): { value: number; key: string } | undefined {
  for (const key of AGENTOPS_OUTPUTS) {
    const o = v.obj(key);
    if (o && o.type === "reward") {
      const value = asNumber(o.value);
      if (value !== undefined) return { value, key };
    }
  }
  return undefined;
}

function offerRewards(f: Facts, source: string, rewards: Reward[], keys: readonly string[]): void {
  const list: JsonValue[] = rewards.map((r) => ({ name: r.name, value: r.value }));
  f.add("metadata", source, { rewards: list, reward: rewards[0]!.value }, keys);
}

function extractRewards(v: SpanView, f: Facts): void {
  const isAnnotation = v.name === ANNOTATION;
  const isRewardOp = v.name === OPERATION && v.str("agentlightning.operation.name") === REWARD;
  const v3 = rewardsOf(v);
  if (v3) {
    offerRewards(f, REWARD, v3.rewards, v3.keys);
    if (isAnnotation || isRewardOp || v.name === REWARD) f.add("type", "rule:agentlightning", "REWARD", []);
  }
  // v0.2: a plain `reward` number, meaningful only on the annotation span itself.
  const plain = isAnnotation || v.name === REWARD ? v.num("reward") : undefined;
  if (plain !== undefined) {
    offerRewards(f, "reward", [{ name: "primary", value: plain }], ["reward"]);
    f.add("type", "rule:agentlightning", "REWARD", []);
  }
  const ao = agentOpsReward(v);
  if (ao) {
    offerRewards(f, ao.key, [{ name: "primary", value: ao.value }], [ao.key]);
    f.add("type", "rule:agentlightning", "REWARD", []);
  }
}

function extractLinksAndTags(v: SpanView, f: Facts): void {
  const tags = indexedTags(v);
  if (tags) f.add("tags", "agentlightning.tag", tags.tags, tags.keys);
  const links = indexedEntries(v, "agentlightning.link");
  if (links) {
    const list: JsonValue[] = [];
    for (const item of links.items) {
      const link: JsonObject = {};
      const k = asString(item.key_match);
      const val = asString(item.value_match);
      if (k !== undefined) link.key_match = k;
      if (val !== undefined) link.value_match = val;
      if (Object.keys(link).length > 0) list.push(link);
    }
    if (list.length > 0) f.add("metadata", "agentlightning.link", { links: list }, links.keys);
  }
}

/** `agentlightning.tag.N` are leaves (`tag.0 = "x"`), not subtrees: read them by key. */
function indexedTags(v: SpanView): { tags: string[]; keys: string[] } | undefined {
  const found: Array<[number, string, string]> = [];
  for (const [sub, key] of v.prefixed("agentlightning.tag")) {
    if (!/^\d{1,9}$/.test(sub)) continue;
    const t = v.str(key);
    if (t !== undefined) found.push([Number(sub), t, key]);
  }
  if (found.length === 0) return undefined;
  found.sort((a, b) => a[0] - b[0]);
  return { tags: found.map((x) => x[1]), keys: found.map((x) => x[2]) };
}

function extractPayloads(v: SpanView, f: Facts): void {
  if (v.name === OPERATION || v.hasPrefix("agentlightning.operation.")) {
    f.add("input", "agentlightning.operation.input", v.json("agentlightning.operation.input"));
    f.add("output", "agentlightning.operation.output", v.json("agentlightning.operation.output"));
    if (v.name === OPERATION && v.str("agentlightning.operation.name") !== REWARD) f.add("type", "rule:agentlightning", "CHAIN", []);
  }
  f.add("output", "agentlightning.message.body", v.str("agentlightning.message.body"));
  if (v.hasPrefix("agentlightning.object.")) {
    const json = v.get("agentlightning.object.json");
    const obj = json !== undefined ? (maybeJson(json) as JsonValue) : v.json("agentlightning.object.literal");
    const keys = ["agentlightning.object.json", "agentlightning.object.literal"].filter((k) => v.has(k));
    f.add("output", "agentlightning.object", obj, keys);
  }
  if (v.name === "agentlightning.exception") {
    f.add("error.type", "exception.type", v.str("exception.type"));
    f.add("error.message", "exception.message", v.str("exception.message"));
    f.add("error.stack", "exception.stacktrace", v.str("exception.stacktrace"));
  }
}

export const agentLightning: Convention = {
  name: "agentlightning",
  detect(v) {
    if (v.name.startsWith("agentlightning.")) return true;
    if (v.has("agentops.task.output") || v.has("agentops.entity.output")) return true;
    if (!v.hasPrefix("agentlightning.")) return false;
    for (const k of v.keys) if (k.startsWith("agentlightning.") && !ID_KEYS.has(k)) return true;
    return false;
  },
  extract(v, f) {
    extractRewards(v, f);
    extractLinksAndTags(v, f);
    extractPayloads(v, f);
  },
};
