/**
 * Unflattening of indexed keys (CONVENTIONS.md §7.6): `llm.input_messages.0.message.role`
 * becomes `[{ message: { role } }]`. Objects are null-prototype while built, keys like
 * `__proto__`, `constructor` or `prototype` are plain data, and depth is bounded by the key.
 */
import { setOwn } from "./json";

/** A tree of flattened keys: leaves are the original attribute values. */
export type FlatTree = { [segment: string]: FlatTree | unknown };

const MAX_SEGMENTS = 32;

/**
 * Groups every key that starts with `prefix + "."` into a nested tree of null-prototype
 * objects. Returns undefined when no key matched. `keys` is the list of all attribute keys.
 */
export function unflattenPrefix(
  attrs: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  prefix: string,
  consumed?: Set<string>,
): FlatTree | undefined {
  const head = prefix + ".";
  let root: FlatTree | undefined;
  for (const key of keys) {
    if (!key.startsWith(head)) continue;
    const segs = key.slice(head.length).split(".", MAX_SEGMENTS + 1);
    if (segs.length > MAX_SEGMENTS || segs.some((s) => s === "")) continue;
    root ??= Object.create(null) as FlatTree;
    let node = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const s = segs[i]!;
      const next = Object.prototype.hasOwnProperty.call(node, s) ? node[s] : undefined;
      if (next && typeof next === "object" && !Array.isArray(next)) {
        node = next as FlatTree;
      } else {
        const child = Object.create(null) as FlatTree;
        setOwn(node as Record<string, unknown>, s, child);
        node = child;
      }
    }
    setOwn(node as Record<string, unknown>, segs[segs.length - 1]!, attrs[key]);
    consumed?.add(key);
  }
  return root;
}

/** The numeric children of a tree node, sorted by index (indices need not be contiguous). */
export function indexedChildren(node: unknown): FlatTree[] {
  if (!node || typeof node !== "object") return [];
  const out: Array<[number, FlatTree]> = [];
  for (const k of Object.keys(node)) {
    if (!/^\d{1,9}$/.test(k)) continue;
    const child = (node as FlatTree)[k];
    if (child && typeof child === "object" && !Array.isArray(child)) out.push([Number(k), child as FlatTree]);
  }
  out.sort((a, b) => a[0] - b[0]);
  return out.map((e) => e[1]);
}

/** Reads a nested path (`"message.tool_calls"`) from a tree node. */
export function at(node: unknown, path: string): unknown {
  let cur: unknown = node;
  for (const s of path.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, s)) return undefined;
    cur = (cur as FlatTree)[s];
  }
  return cur;
}
