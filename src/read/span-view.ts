/**
 * A read-only view of one span for the convention mappers: typed getters over the attributes
 * (CONVENTIONS.md §7), prefix look-ups and cached unflattening. Built once per conversion.
 */
import type { JsonValue, SpanKindName } from "../model/record";
import { kindName } from "./span-kind";
import type { SpanEventLike, SpanInput } from "./span-input";
import { decodeMlflow } from "./json";
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

/** First segment of a prefix (`"gen_ai"` of `"gen_ai.usage."`), memoized: prefixes are constants. */
const HEADS = new Map<string, string | undefined>();
function headOf(prefix: string): string | undefined {
  let head = HEADS.get(prefix);
  if (head === undefined && !HEADS.has(prefix)) {
    const dot = prefix.indexOf(".");
    head = dot > 0 ? prefix.slice(0, dot) : undefined;
    if (HEADS.size < 4096) HEADS.set(prefix, head);
  }
  return head;
}

export class SpanView {
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly keys: readonly string[];
  readonly name: string;
  readonly kind: SpanKindName;
  readonly scopeName: string;
  readonly events: readonly SpanEventLike[];
  /** GenAI events that arrived as log records tied to this span (official instrumentation). */
  readonly logEvents: readonly SpanEventLike[];
  readonly resource: Readonly<Record<string, unknown>>;
  /** Span start in epoch milliseconds (fractional), or undefined when the start time is unusable. */
  readonly startTimeMs: number | undefined;
  private readonly _trees = new Map<string, FlatTree | undefined>();

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

  /** The raw value of `key` when it is present and meaningful (§7.1), else undefined. */
  get(key: string): unknown {
    const v = this.attrs[key];
    if (v === undefined) return undefined;
    if (!Object.prototype.hasOwnProperty.call(this.attrs, key)) return undefined;
    return isMeaningful(v) ? v : undefined;
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

  private _heads: Set<string> | undefined;
  private readonly _prefixCache = new Map<string, boolean>();

  /** First segment of every dotted key (`gen_ai` of `gen_ai.x`, …), built once per span. */
  private _firstSegments(): Set<string> {
    if (this._heads) return this._heads;
    const heads = new Set<string>();
    for (const k of this.keys) {
      const dot = k.indexOf(".");
      if (dot > 0) heads.add(k.slice(0, dot));
    }
    return (this._heads = heads);
  }

  /** True when some dotted key has `segment` as its first segment (`"llm"` for `llm.x`). O(1). */
  hasSegment(segment: string): boolean {
    return this._firstSegments().has(segment);
  }

  /**
   * True when some attribute key starts with `prefix`. A prefix whose first segment no key has
   * is answered from the first-segment set; others by one scan, cached per prefix.
   */
  hasPrefix(prefix: string): boolean {
    const head = headOf(prefix);
    if (head !== undefined && !this._firstSegments().has(head)) return false;
    if (head !== undefined && head.length === prefix.length - 1) return true; // `"llm."`: some key is `llm.<more>`
    let found = this._prefixCache.get(prefix);
    if (found === undefined) {
      found = false;
      for (const k of this.keys) {
        if (k.startsWith(prefix)) {
          found = true;
          break;
        }
      }
      this._prefixCache.set(prefix, found);
    }
    return found;
  }

  /** Map-style prefix (§7.7): `[subKey, fullKey]` for every key under `prefix + "."`. */
  prefixed(prefix: string): Array<[string, string]> {
    const head = prefix + ".";
    const out: Array<[string, string]> = [];
    for (const k of this.keys) {
      if (k.length > head.length && k.startsWith(head) && isMeaningful(this.attrs[k])) out.push([k.slice(head.length), k]);
    }
    return out;
  }

  /** Unflattened tree of `prefix.N.…` keys (cached), with the full keys it read. */
  tree(prefix: string): { tree: FlatTree; keys: string[] } | undefined {
    const consumed = new Set<string>();
    if (!this._trees.has(prefix)) this._trees.set(prefix, unflattenPrefix(this.attrs, this.keys, prefix, consumed));
    const tree = this._trees.get(prefix);
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
