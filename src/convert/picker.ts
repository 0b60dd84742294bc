/**
 * Reads the winning facts for the assembler and keeps the bookkeeping that goes with a pick:
 * which attribute keys were consumed (they leave `extras`), which conventions contributed,
 * and `sources` (field path → source id).
 */
import { keysOf, type Candidate, type Facts } from "../facts/facts";
import type { Field } from "../facts/precedence";
import type { ConventionName } from "../model/record";

export class Picker {
  readonly consumed = new Set<string>();
  readonly conventions = new Set<ConventionName>();
  readonly sources: Record<string, string> = {};

  constructor(private readonly _facts: Facts) {}

  /** True when any field of `section` has a candidate: lets the assembler skip whole sections. */
  has(section: string): boolean {
    return this._facts.hasSection(section);
  }

  private _use(c: Candidate): void {
    for (const k of keysOf(c)) this.consumed.add(k);
    if (c.convention) this.conventions.add(c.convention);
  }

  /** The winning value of a field (marks it used). */
  pick(field: Field, path: string = field): unknown {
    const c = this._facts.pick(field);
    if (!c) return undefined;
    this._use(c);
    this.sources[path] = c.source;
    return c.value;
  }

  /** The winning value only if it passes `accept`; otherwise the best one that does. */
  pickWhere(field: Field, accept: (v: unknown) => boolean, path: string = field): unknown {
    for (const c of this._facts.all(field)) {
      if (!accept(c.value)) continue;
      this._use(c);
      this.sources[path] = c.source;
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
