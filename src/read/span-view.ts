/**
 * A read-only view of one span for the convention mappers: typed getters over the attributes
 * (CONVENTIONS.md §7), prefix look-ups and cached unflattening. Built once per conversion.
 */
import type { JsonValue, SpanKindName } from "../model/record";
import { kindName } from "./span-kind";
import type { SpanEventLike, SpanInput } from "./span-input";
import { decodeMlflow, plainCopy } from "./json";
import { unflattenPrefix, type FlatTree } from "./unflatten";
import {
  asArray,
  asBoolean,
  asCount,
  asJson,
  asNumber,
  asObject,
  asString,
  asStringList,
  isMeaningful,
} from "./values";

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Dot-terminated prefixes are indexed up to this many segments (`a.b.c.` has three) and this
 * length; deeper or longer prefixes are answered by a scan. Every prefix the mappers ask for
 * fits, and the bounds keep a hostile key (thousands of dots) from costing quadratic time.
 */
const MAX_INDEXED_DOTS = 4;
const MAX_INDEXED_LENGTH = 96;
/**
 * Memo bounds: attribute keys repeat from span to span; hostile ones (endless distinct or huge
 * keys) must not grow the memos, so past these sizes prefixes are computed without memoizing.
 */
const MAX_MEMO = 8192;
const MAX_MEMO_KEY_LENGTH = 256;

/**
 * The indexed prefixes of one key (`gen_ai.`, `gen_ai.usage.` of `gen_ai.usage.input_tokens`).
 * Memoized across spans, so a span's index costs one map look-up per key and no new strings.
 * Keys with the same deepest prefix share one list (`gen_ai.usage.input_tokens` and
 * `gen_ai.usage.output_tokens`), so the index can skip a key whose list it has just added.
 */
const KEY_PREFIXES = new Map<string, readonly string[]>();
const SHARED_PREFIXES = new Map<string, readonly string[]>();
const NO_PREFIXES: readonly string[] = [];
function prefixesOf(key: string): readonly string[] {
  let out = KEY_PREFIXES.get(key);
  if (out !== undefined) return out;
  const list: string[] = [];
  for (let dot = key.indexOf("."); dot >= 0 && dot < MAX_INDEXED_LENGTH && list.length < MAX_INDEXED_DOTS; dot = key.indexOf(".", dot + 1)) {
    list.push(key.slice(0, dot + 1));
  }
  const deepest = list[list.length - 1];
  out = deepest === undefined ? NO_PREFIXES : SHARED_PREFIXES.get(deepest) ?? list;
  if (deepest !== undefined && out === list && SHARED_PREFIXES.size < MAX_MEMO) SHARED_PREFIXES.set(deepest, list);
  if (KEY_PREFIXES.size < MAX_MEMO && key.length <= MAX_MEMO_KEY_LENGTH) KEY_PREFIXES.set(key, out);
  return out;
}

/** True when `prefix` is a dot-terminated prefix within the indexed bounds. */
function isIndexable(prefix: string): boolean {
  if (prefix.length === 0 || prefix.length > MAX_INDEXED_LENGTH || prefix.charCodeAt(prefix.length - 1) !== 46) return false;
  let dots = 0;
  for (let i = 0; i < prefix.length; i++) if (prefix.charCodeAt(i) === 46) dots++;
  return dots <= MAX_INDEXED_DOTS;
}
/**
 * Per queried prefix (code constants, memoized): its first segment with the dot (`"llm."` of
 * `"llm.input_messages"`; undefined without a dot) and whether it is indexable.
 */
const PREFIX_INFO = new Map<string, { head: string | undefined; indexable: boolean }>();
function prefixInfo(prefix: string): { head: string | undefined; indexable: boolean } {
  let info = PREFIX_INFO.get(prefix);
  if (info === undefined) {
    const dot = prefix.indexOf(".");
    info = { head: dot >= 0 ? prefix.slice(0, dot + 1) : undefined, indexable: isIndexable(prefix) };
    if (PREFIX_INFO.size < MAX_MEMO && prefix.length <= MAX_MEMO_KEY_LENGTH) PREFIX_INFO.set(prefix, info);
  }
  return info;
}

export class SpanView {
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly keys: readonly string[];
  readonly name: string;
  readonly kind: SpanKindName;
  readonly scopeName: string;
  readonly events: readonly SpanEventLike[];
  /** Copies of the object-valued attributes read so far (see {@link get}). */
  private _copies: Map<string, unknown> | undefined;
  /** GenAI events that arrived as log records tied to this span (official instrumentation). */
  readonly logEvents: readonly SpanEventLike[];
  readonly resource: Readonly<Record<string, unknown>>;
  /** Span start in epoch milliseconds (fractional), or undefined when the start time is unusable. */
  readonly startTimeMs: number | undefined;
  /** Caches, created on first use: most spans need neither. */
  private _trees: Map<string, FlatTree | undefined> | undefined;

  constructor(span: SpanInput, logEvents: readonly SpanEventLike[] = []) {
    const attrs = span.attributes && typeof span.attributes === "object" ? span.attributes : EMPTY;
    this.attrs = attrs;
    this.keys = Object.keys(attrs);
    this.name = typeof span.name === "string" ? span.name : "";
    this.kind = kindName(span.kind);
    const scope = span.instrumentationScope ?? span.instrumentationLibrary;
    this.scopeName = typeof scope?.name === "string" ? scope.name : "";
    this.events = Array.isArray(span.events) ? span.events : [];
    this.logEvents = logEvents;
    this.resource = span.resource?.attributes ?? EMPTY;
    const st = span.startTime;
    const ms = Array.isArray(st) ? Number(st[0]) * 1000 + Number(st[1]) / 1e6 : NaN;
    this.startTimeMs = Number.isFinite(ms) && ms > 0 ? ms : undefined;
  }

  /**
   * The value of `key` when it is present and meaningful (§7.1), else undefined. An array or
   * object value is a copy (the same one for every call), never the span's own: the record may
   * hold it, and redaction works on the record in place.
   */
  get(key: string): unknown {
    const v = this.attrs[key];
    if (v === undefined) return undefined;
    if (!Object.prototype.hasOwnProperty.call(this.attrs, key)) return undefined;
    if (!isMeaningful(v)) return undefined;
    if (v === null || typeof v !== "object") return v;
    const copies = (this._copies ??= new Map());
    let c = copies.get(key);
    if (c === undefined) copies.set(key, (c = plainCopy(v)));
    return c;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  str(key: string): string | undefined {
    return asString(this.get(key));
  }
  num(key: string): number | undefined {
    return asNumber(this.get(key));
  }
  count(key: string): number | undefined {
    return asCount(this.get(key));
  }
  bool(key: string): boolean | undefined {
    return asBoolean(this.get(key));
  }
  json(key: string): JsonValue | undefined {
    return asJson(this.get(key));
  }
  obj(key: string): Record<string, JsonValue> | undefined {
    return asObject(this.get(key));
  }
  arr(key: string): JsonValue[] | undefined {
    return asArray(this.get(key));
  }
  list(key: string): string[] | undefined {
    return asStringList(this.get(key));
  }
  /** MLflow values are JSON-encoded (possibly twice). */
  mlflow(key: string): unknown {
    const v = this.get(key);
    return v === undefined ? undefined : decodeMlflow(v);
  }
  /** Lower-cased string, for case-insensitive enums. */
  lower(key: string): string | undefined {
    return this.str(key)?.toLowerCase();
  }

  private _prefixes: Set<string> | undefined;
  private _prefixCache: Map<string, boolean> | undefined;

  /** Every indexed dot-terminated prefix of every key (see `prefixesOf`), built once per span. */
  private _prefixSet(): Set<string> {
    if (this._prefixes) return this._prefixes;
    const set = new Set<string>();
    let last: readonly string[] | undefined;
    for (const k of this.keys) {
      const prefixes = prefixesOf(k);
      if (prefixes === last) continue; // a shared list, added for the key before
      last = prefixes;
      for (const p of prefixes) set.add(p);
    }
    return (this._prefixes = set);
  }

  /**
   * True when some attribute key starts with `prefix`. A dot-terminated prefix (`"gen_ai.usage."`)
   * is one set look-up; others (`"llm.input_messages"`) one scan, skipped when no key has their
   * first segment, and cached per prefix.
   */
  hasPrefix(prefix: string): boolean {
    const info = prefixInfo(prefix);
    const set = this._prefixSet();
    if (info.indexable) return set.has(prefix);
    if (info.head !== undefined && info.head.length <= MAX_INDEXED_LENGTH && !set.has(info.head)) return false;
    const cache = (this._prefixCache ??= new Map<string, boolean>());
    let found = cache.get(prefix);
    if (found === undefined) {
      found = false;
      for (const k of this.keys) {
        if (k.startsWith(prefix)) {
          found = true;
          break;
        }
      }
      cache.set(prefix, found);
    }
    return found;
  }

  /**
   * Map-style prefix (§7.7): `[subKey, fullKey]` for every key under `prefix + "."`, except the
   * full keys in `except` (keys the caller reads on their own).
   */
  prefixed(prefix: string, except?: ReadonlySet<string>): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const n = prefix.length;
    for (const k of this.keys) {
      // `k` starts with `prefix + "."`, tested without building that string; the dot first, as
      // a cheap test that rejects most keys.
      if (k.length > n + 1 && k.charCodeAt(n) === 46 && k.startsWith(prefix) && !except?.has(k) && isMeaningful(this.attrs[k])) {
        out.push([k.slice(n + 1), k]);
      }
    }
    return out;
  }

  /** Unflattened tree of `prefix.N.…` keys (cached), with the full keys it read. */
  tree(prefix: string): { tree: FlatTree; keys: string[] } | undefined {
    const consumed = new Set<string>();
    const trees = (this._trees ??= new Map<string, FlatTree | undefined>());
    if (!trees.has(prefix)) trees.set(prefix, unflattenPrefix(this.attrs, this.keys, prefix, consumed));
    const tree = trees.get(prefix);
    if (!tree) return undefined;
    const head = prefix + ".";
    return { tree, keys: consumed.size > 0 ? [...consumed] : this.keys.filter((k) => k.startsWith(head)) };
  }

  /** Span events (and log events) with the given name. */
  eventsNamed(name: string): SpanEventLike[] {
    const out: SpanEventLike[] = [];
    for (const e of this.events) if (e.name === name) out.push(e);
    return out;
  }
}
