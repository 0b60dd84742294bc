/**
 * The candidates that convention mappers extract for each canonical field, and the choice
 * among them by precedence (precedence.ts). Mappers never decide between conventions; they
 * only say "this value, from this source, consuming these attribute keys".
 */
import type { ConventionName } from "../model/record";
import { isMeaningful } from "../read/values";
import { PRECEDENCE, rankOf, type Field } from "./precedence";

export interface Candidate {
  readonly field: Field;
  readonly value: unknown;
  /** Source id, as named in precedence.ts. */
  readonly source: string;
  /**
   * Attribute keys this value was read from: removed from `extras` when it is used. Undefined
   * means the default derived from `source` (see `defaultKeyOf`), saving an array per candidate.
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

/**
 * Per field: its slot in `Facts`' candidate array and the bit of its section (first path
 * segment: `llm`, `usage`, …). A dense array and a bit mask per conversion replace a Map and a
 * Set that grew on every span (~1.5 KB of garbage per LLM span, the sections' key slices too).
 */
const FIELD_INFO = new Map<Field, { readonly index: number; readonly sectionBit: number }>();
const SECTION_BITS = new Map<string, number>();
for (const field of Object.keys(PRECEDENCE) as Field[]) {
  const dot = field.indexOf(".");
  const section = dot < 0 ? field : field.slice(0, dot);
  let bit = SECTION_BITS.get(section);
  if (bit === undefined) {
    bit = 2 ** SECTION_BITS.size;
    SECTION_BITS.set(section, bit);
  }
  FIELD_INFO.set(field, { index: FIELD_INFO.size, sectionBit: bit });
}
// Bits are combined with `|`, which works on 32-bit integers.
if (SECTION_BITS.size > 31) throw new Error("facts: more than 31 record sections");

function infoOf(field: Field): { readonly index: number; readonly sectionBit: number } {
  const info = FIELD_INFO.get(field);
  if (info === undefined) throw new Error(`facts: unknown field ${String(field)}`);
  return info;
}

const NONE: readonly Candidate[] = [];

/** The winning candidate of a non-empty candidate list (see `better`). */
export function bestOf(list: readonly Candidate[]): Candidate {
  let best = list[0]!;
  for (let i = 1; i < list.length; i++) if (better(list[i]!, best)) best = list[i]!;
  return best;
}

export class Facts {
  /** Candidates by field index (see FIELD_INFO); created on the first `add`. */
  private _byField: Array<Candidate[] | undefined> | undefined;
  /** Bits of the sections with candidates. */
  private _sections = 0;
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
    const info = infoOf(field);
    const byField = (this._byField ??= new Array<Candidate[] | undefined>(FIELD_INFO.size));
    const list = byField[info.index];
    if (list) list.push(c);
    else {
      byField[info.index] = [c];
      this._sections |= info.sectionBit;
    }
  }

  /** True when some field of the section (`llm`, `usage`, `cost`, …) has a candidate. */
  hasSection(section: string): boolean {
    const bit = SECTION_BITS.get(section);
    return bit !== undefined && (this._sections & bit) !== 0;
  }

  private _list(field: Field): Candidate[] | undefined {
    return this._byField?.[infoOf(field).index];
  }

  /** Every candidate of a field, unordered (cheap). */
  candidates(field: Field): readonly Candidate[] {
    return this._list(field) ?? NONE;
  }

  /** Every candidate of a field, best first. */
  all(field: Field): Candidate[] {
    const list = this._list(field);
    if (!list) return [];
    if (list.length === 1) return list;
    // Lists are short (a few candidates): an insertion sort allocates nothing beyond the copy.
    // The order (rank, then seq) is total, so any correct sort gives the same result.
    const out = list.slice();
    for (let i = 1; i < out.length; i++) {
      const c = out[i]!;
      let j = i - 1;
      while (j >= 0 && better(c, out[j]!)) {
        out[j + 1] = out[j]!;
        j--;
      }
      out[j + 1] = c;
    }
    return out;
  }
}

/**
 * The attribute key a candidate consumes by default (no explicit `keys`): its source when that
 * is an attribute key (`key#field` consumes `key`; rules, events and resource sources consume
 * none).
 */
export function defaultKeyOf(source: string): string | undefined {
  if (source.startsWith("rule:") || source.startsWith("event:") || source.startsWith("log:") || source.startsWith("resource:")) return undefined;
  const hash = source.indexOf("#");
  return hash >= 0 ? source.slice(0, hash) : source;
}

/** Adds the attribute keys a candidate consumes to `out` (its explicit keys, else `defaultKeyOf`). */
export function addKeysOf(c: Candidate, out: Set<string>): void {
  if (c.keys !== undefined) {
    for (const k of c.keys) out.add(k);
    return;
  }
  const k = defaultKeyOf(c.source);
  if (k !== undefined) out.add(k);
}
