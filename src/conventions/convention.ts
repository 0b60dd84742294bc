import type { Facts } from "../facts/facts";
import type { ConventionName } from "../model/record";
import type { SpanView } from "../read/span-view";

/**
 * One source convention (CONVENTIONS.md §1–6). `detect` is a cheap check that the span carries
 * this convention's keys; `extract` offers candidates for canonical fields. Both are pure and
 * may throw: the orchestrator isolates each mapper and records its failure.
 */
export interface Convention {
  readonly name: ConventionName;
  detect(view: SpanView): boolean;
  extract(view: SpanView, facts: Facts): void;
}
