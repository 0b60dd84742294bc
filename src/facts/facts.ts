/**
 * The candidates that convention mappers extract for each canonical field, and the choice
 * among them by precedence (precedence.ts). Mappers never decide between conventions; they
 * only say "this value, from this source, consuming these attribute keys".
 */
import type { ConventionName } from "../model/record";
import { isMeaningful } from "../read/values";
import { COLLECTED_FIELDS, rankOf, type Field } from "./precedence";

export interface Candidate {
  readonly field: Field;
  readonly value: unknown;
  /** Source id, as named in precedence.ts. */
  readonly source: string;
  /** Attribute keys this value was read from: removed from `extras` when it is used. */
  readonly keys: readonly string[];
  readonly convention: ConventionName | undefined;
  readonly rank: number;
  readonly seq: number;
}

export class Facts {
  private readonly _byField = new Map<Field, Candidate[]>();
  private _seq = 0;
  /** The convention whose mapper is adding candidates now. */
  current: ConventionName | undefined;

  /**
   * Offers `value` for `field`. Values that are not meaningful (undefined, null, "", [], {})
   * are ignored. `keys` defaults to `[source]` when the source is a plain attribute key.
   */
  add(field: Field, source: string, value: unknown, keys?: string | readonly string[]): void {
    if (!isMeaningful(value)) return;
    const k = keys === undefined ? defaultKeys(source) : typeof keys === "string" ? [keys] : keys;
    const c: Candidate = {
      field,
      value,
      source,
      keys: k,
      convention: this.current,
      rank: rankOf(field, source),
      seq: this._seq++,
    };
    const list = this._byField.get(field);
    if (list) list.push(c);
    else this._byField.set(field, [c]);
  }

  has(field: Field): boolean {
    return this._byField.has(field);
  }

  /** The winning candidate for a picked field. */
  pick(field: Field): Candidate | undefined {
    const list = this._byField.get(field);
    if (!list) return undefined;
    let best = list[0]!;
    for (const c of list) if (c.rank < best.rank || (c.rank === best.rank && c.seq < best.seq)) best = c;
    return best;
  }

  /** Every candidate of a field, best first. */
  all(field: Field): Candidate[] {
    const list = this._byField.get(field);
    if (!list) return [];
    return [...list].sort((a, b) => a.rank - b.rank || a.seq - b.seq);
  }

  isCollected(field: Field): boolean {
    return COLLECTED_FIELDS.has(field);
  }
}

/** Source ids that are attribute keys consume that key; rules, events and `key#field` forms name it. */
function defaultKeys(source: string): readonly string[] {
  if (source.startsWith("rule:") || source.startsWith("event:") || source.startsWith("log:")) return [];
  if (source.startsWith("resource:")) return [];
  const hash = source.indexOf("#");
  return [hash >= 0 ? source.slice(0, hash) : source];
}
