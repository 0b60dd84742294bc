/**
 * The candidates that convention mappers extract for each canonical field, and the choice
 * among them by precedence (precedence.ts). Mappers never decide between conventions; they
 * only say "this value, from this source, consuming these attribute keys".
 */
import type { ConventionName } from "../model/record";
import { isMeaningful } from "../read/values";
import { rankOf, type Field } from "./precedence";

export interface Candidate {
  readonly field: Field;
  readonly value: unknown;
  /** Source id, as named in precedence.ts. */
  readonly source: string;
  /**
   * Attribute keys this value was read from: removed from `extras` when it is used. Undefined
   * means the default derived from `source` (see `keysOf`), saving an array per candidate.
   */
  readonly keys: readonly string[] | undefined;
  readonly convention: ConventionName | undefined;
  readonly seq: number;
}

/** Rank is looked up only when a field has several candidates (the rare case). */
function better(a: Candidate, b: Candidate): boolean {
  const ra = rankOf(a.field, a.source);
  const rb = rankOf(b.field, b.source);
  return ra < rb || (ra === rb && a.seq < b.seq);
}

export class Facts {
  private readonly _byField = new Map<Field, Candidate[]>();
  /** First path segments of the fields with candidates (`llm`, `usage`, `tool`, …). */
  private readonly _sections = new Set<string>();
  private _seq = 0;
  /** The convention whose mapper is adding candidates now. */
  current: ConventionName | undefined;

  /**
   * Offers `value` for `field`. Values that are not meaningful (undefined, null, "", [], {})
   * are ignored. `keys` defaults to `[source]` when the source is a plain attribute key.
   */
  add(field: Field, source: string, value: unknown, keys?: string | readonly string[]): void {
    if (!isMeaningful(value)) return;
    const k = typeof keys === "string" ? [keys] : keys;
    const c: Candidate = {
      field,
      value,
      source,
      keys: k,
      convention: this.current,
      seq: this._seq++,
    };
    const list = this._byField.get(field);
    if (list) list.push(c);
    else {
      this._byField.set(field, [c]);
      const dot = field.indexOf(".");
      this._sections.add(dot < 0 ? field : field.slice(0, dot));
    }
  }

  /** True when some field of the section (`llm`, `usage`, `cost`, …) has a candidate. */
  hasSection(section: string): boolean {
    return this._sections.has(section);
  }

  /** The winning candidate for a picked field. */
  pick(field: Field): Candidate | undefined {
    const list = this._byField.get(field);
    if (!list) return undefined;
    let best = list[0]!;
    for (let i = 1; i < list.length; i++) if (better(list[i]!, best)) best = list[i]!;
    return best;
  }

  /** Every candidate of a field, unordered (cheap). */
  candidates(field: Field): readonly Candidate[] {
    return this._byField.get(field) ?? [];
  }

  /** Every candidate of a field, best first. */
  all(field: Field): Candidate[] {
    const list = this._byField.get(field);
    if (!list) return [];
    if (list.length === 1) return list;
    return [...list].sort((a, b) => rankOf(a.field, a.source) - rankOf(b.field, b.source) || a.seq - b.seq);
  }
}

/**
 * The attribute keys a candidate consumes: its explicit keys, else its source when that is an
 * attribute key (`key#field` consumes `key`; rules, events and resource sources consume none).
 */
export function keysOf(c: Candidate): readonly string[] {
  if (c.keys !== undefined) return c.keys;
  const s = c.source;
  if (s.startsWith("rule:") || s.startsWith("event:") || s.startsWith("log:") || s.startsWith("resource:")) return [];
  const hash = s.indexOf("#");
  return [hash >= 0 ? s.slice(0, hash) : s];
}
