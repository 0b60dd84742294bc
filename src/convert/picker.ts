/**
 * Reads the winning facts for the assembler and keeps the bookkeeping that goes with a pick:
 * which attribute keys were consumed (they leave `extras`), which conventions contributed,
 * and `sources` (field path → source id).
 */
import { addKeysOf, bestOf, type Candidate, type Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { ConventionName } from "../model/record";

/** Equal primitives, or equal arrays of primitives (finish reasons, stop sequences). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || (typeof a[i] === "object" && a[i] !== null)) return false;
  return true;
}

export class Picker {
  readonly consumed = new Set<string>();
  readonly conventions = new Set<ConventionName>();
  /**
   * Field path → source id. Filled by keyed stores, so past ~12 paths V8 keeps it as a slow
   * dictionary: the record gets a fast copy (see `toCanonicalSpan`).
   */
  readonly sources: Record<string, string> = {};

  constructor(private readonly _facts: Facts) {}

  /** True when any field of `section` has a candidate: lets the assembler skip whole sections. */
  has(section: string): boolean {
    return this._facts.hasSection(section);
  }

  private _use(c: Candidate): void {
    addKeysOf(c, this.consumed);
    if (c.convention) this.conventions.add(c.convention);
  }

  /**
   * The winning value of a field (marks it used). Losing candidates that carry the same value
   * are consumed too: their keys hold nothing the record lacks (an AI SDK span's `ai.model.id`
   * next to an equal `gen_ai.request.model`). Losers with other values stay in `extras`.
   */
  pick(field: Field, path: string = field): unknown {
    const all = this._facts.candidates(field);
    if (all.length === 0) return undefined;
    const c = bestOf(all);
    this._use(c);
    this.sources[path] = c.source;
    if (all.length > 1) for (const other of all) if (other !== c && sameValue(other.value, c.value)) this._consumeKeys(other);
    return c.value;
  }

  private _consumeKeys(c: Candidate): void {
    addKeysOf(c, this.consumed);
  }

  /** The winning value only if it passes `accept`; otherwise the best one that does. */
  pickWhere(field: Field, accept: (v: unknown) => boolean, path: string = field): unknown {
    const all = this._facts.all(field);
    for (const c of all) {
      if (!accept(c.value)) continue;
      this._use(c);
      this.sources[path] = c.source;
      for (const other of all) if (other !== c && sameValue(other.value, c.value)) this._consumeKeys(other);
      return c.value;
    }
    return undefined;
  }

  /** Every candidate of a collected field, best first (all marked used). */
  collect(field: Field, path: string = field): unknown[] {
    const all = this._facts.all(field);
    if (all.length === 0) return [];
    for (const c of all) this._use(c);
    this.sources[path] = [...new Set(all.map((c) => c.source))].join(",");
    return all.map((c) => c.value);
  }

  setSource(path: string, source: string): void {
    this.sources[path] = source;
  }

  /** Appends a note to a field's source, e.g. a correction rule applied after the pick. */
  note(path: string, rule: string): void {
    this.sources[path] = (this.sources[path] ?? "") + rule;
  }
}
