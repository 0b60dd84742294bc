/**
 * `CANONSPAN_SINKS`: a comma list of `console`, `console:json`, `console:tree`, `file:<path>`,
 * `otlp`, `otlp:<url>` (SPEC.md §2). Unset or blank means `console`. An invalid entry warns once
 * (diag) and is skipped; when no entry is valid the default applies.
 */
import { logger } from "../internal/diag";

export type SinkSpec =
  | { kind: "console"; style?: "json" | "tree" }
  | { kind: "file"; path: string }
  | { kind: "otlp"; url?: string };

export const DEFAULT_SINKS = "console";

const log = logger("config");

function parseEntry(entry: string): SinkSpec | undefined {
  const colon = entry.indexOf(":");
  const name = (colon < 0 ? entry : entry.slice(0, colon)).trim().toLowerCase();
  const arg = colon < 0 ? "" : entry.slice(colon + 1).trim();
  switch (name) {
    case "console":
      if (arg === "") return { kind: "console" };
      if (arg === "json" || arg === "tree") return { kind: "console", style: arg };
      return undefined;
    case "file":
      return arg === "" ? undefined : { kind: "file", path: arg };
    case "otlp":
      if (arg === "") return { kind: "otlp" };
      return /^https?:\/\//i.test(arg) ? { kind: "otlp", url: arg } : undefined;
    default:
      return undefined;
  }
}

/** Parses a `CANONSPAN_SINKS` value; never throws. */
export function parseSinksEnv(value: string | undefined): SinkSpec[] {
  const raw = value?.trim() ? value : DEFAULT_SINKS;
  const out: SinkSpec[] = [];
  for (const entry of raw.split(",")) {
    if (entry.trim() === "") continue;
    const spec = parseEntry(entry);
    if (spec) out.push(spec);
    else log.warn(`Configuration: CANONSPAN_SINKS entry is invalid, expected console, console:json, console:tree, file:<path>, otlp or otlp:<url> (actual: ${JSON.stringify(entry.trim().slice(0, 200))})`);
  }
  return out.length > 0 ? out : parseSinksEnv(DEFAULT_SINKS);
}
