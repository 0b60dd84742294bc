/**
 * Renders the records of one trace as a readable tree: one line per span, children under their
 * parent sorted by start time. Every piece of span text goes through `escapeForTerminal`, so a
 * span is exactly one line whatever it contains.
 *
 * Untrusted structure is handled without recursion: spans whose parent is absent, duplicate span
 * ids and parent cycles all still print (each span exactly once), and indentation stops growing
 * past {@link MAX_INDENT_DEPTH} so a 10,000-deep chain costs linear output, not quadratic.
 */
import type { CanonicalSpan } from "../model/record";
import { createPainter, DEFAULT_MAX_FIELD_LENGTH, escapeForTerminal, type Painter, type StyleName } from "./terminal";

/** Levels of indentation drawn; deeper spans keep the last indentation and show `[depth N]`. */
export const MAX_INDENT_DEPTH = 24;
/** Tool calls listed on an LLM line before `+N`. */
const MAX_LISTED_TOOL_CALLS = 3;

export interface TreeRenderOptions {
  /** Emit ANSI colours. */
  colors: boolean;
  /** Cap of one displayed text field, in code units of the source. @default 200 */
  maxFieldLength?: number;
  /** When set, the trace is printed without its root ended; the text says why. */
  incomplete?: string;
}

const TYPE_STYLE: Partial<Record<string, StyleName>> = {
  LLM: "magenta",
  EMBEDDING: "magenta",
  TOOL: "yellow",
  AGENT: "cyan",
  WORKFLOW: "cyan",
  CHAIN: "cyan",
  RETRIEVAL: "blue",
  RERANKER: "blue",
};

interface Frame {
  index: number;
  depth: number;
  /** Prefix drawn before this span's connector. */
  prefix: string;
  last: boolean;
  top: boolean;
}

/** Renders one trace. Returns the text, one `\n`-terminated line per span plus a header line. */
export function renderTraceTree(records: readonly CanonicalSpan[], options: TreeRenderOptions): string {
  const paint = createPainter(options.colors);
  const max = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
  const n = records.length;

  // Maps, not objects: span ids are untrusted keys.
  const firstById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = records[i]!.spanId;
    if (!firstById.has(id)) firstById.set(id, i);
  }
  const children = new Map<number, number[]>();
  const tops: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const parent = typeof r.parentId === "string" && r.parentId !== r.spanId ? firstById.get(r.parentId) : undefined;
    if (parent === undefined) {
      tops.push(i);
      continue;
    }
    const list = children.get(parent);
    if (list) list.push(i);
    else children.set(parent, [i]);
  }
  const byStart = (a: number, b: number): number => compareStart(records[a]!, records[b]!);
  tops.sort(byStart);
  for (const list of children.values()) list.sort(byStart);

  let out = header(records, options.incomplete, paint, max);
  const visited = new Uint8Array(n);
  const stack: Frame[] = [];
  const walk = (roots: number[]): void => {
    for (let k = roots.length - 1; k >= 0; k--) {
      stack.push({ index: roots[k]!, depth: 0, prefix: "", last: k === roots.length - 1, top: true });
    }
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (visited[f.index]) continue;
      visited[f.index] = 1;
      out += renderLine(records[f.index]!, f, firstById, paint, max);
      const kids = children.get(f.index);
      if (!kids) continue;
      const childPrefix =
        f.top || f.depth >= MAX_INDENT_DEPTH ? f.prefix : f.prefix + (f.last ? "   " : "│  ");
      for (let k = kids.length - 1; k >= 0; k--) {
        stack.push({ index: kids[k]!, depth: f.depth + 1, prefix: childPrefix, last: k === kids.length - 1, top: false });
      }
    }
  };
  walk(tops);
  // Spans caught in a parent cycle are reachable from no top: print each remaining one as a top.
  for (let i = 0; i < n; i++) if (!visited[i]) walk([i]);
  return out;
}

function header(records: readonly CanonicalSpan[], incomplete: string | undefined, paint: Painter, max: number): string {
  const first = records[0];
  const traceId = first ? escapeForTerminal(String(first.traceId), max) : "";
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    const s = Date.parse(r.startTime);
    const e = Date.parse(r.endTime);
    if (s < start) start = s;
    if (e > end) end = e;
  }
  const count = records.length === 1 ? "1 span" : `${records.length} spans`;
  let line = `${paint("dim", "trace " + traceId)}  ${count}`;
  if (end >= start) line += "  " + paint("yellow", formatDuration(end - start));
  if (incomplete !== undefined) line += "  " + paint("yellow", `[incomplete: ${escapeForTerminal(incomplete, max)}]`);
  return line + "\n";
}

function renderLine(
  r: CanonicalSpan,
  f: Frame,
  firstById: ReadonlyMap<string, number>,
  paint: Painter,
  max: number,
): string {
  let line = f.top ? "" : f.prefix + (f.last ? "└─ " : "├─ ");
  if (f.depth > MAX_INDENT_DEPTH) line += paint("dim", `[depth ${f.depth}] `);
  const type = typeof r.type === "string" ? escapeForTerminal(r.type, 32) : "?";
  line += paint(TYPE_STYLE[type] ?? "blue", type);
  line += " " + escapeForTerminal(String(r.name), max);
  line += "  " + paint("yellow", formatDuration(r.durationMs));

  const model = r.llm?.model ?? r.llm?.responseModel ?? r.llm?.requestModel;
  if (typeof model === "string") line += "  model " + paint("green", escapeForTerminal(model, max));
  const tokens = formatUsage(r.usage);
  if (tokens) line += "  " + tokens;
  if (typeof r.tool?.name === "string") line += "  tool " + paint("yellow", escapeForTerminal(r.tool.name, max));
  const calls = formatToolCalls(r, max);
  if (calls) line += "  calls " + calls;

  if (r.status?.code === "ERROR") {
    line += "  " + paint("boldRed", "ERROR");
    const message = errorText(r);
    if (message) line += " " + paint("red", escapeForTerminal(message, max));
  } else if (r.status?.code === "OK") {
    line += "  " + paint("green", "OK");
  }
  line += "  " + paint("dim", escapeForTerminal(String(r.spanId), 64));
  if (f.top && typeof r.parentId === "string" && r.parentId !== "" && !firstById.has(r.parentId)) {
    line += paint("dim", ` (parent ${escapeForTerminal(r.parentId, 64)} not shown)`);
  }
  return line + "\n";
}

function errorText(r: CanonicalSpan): string {
  const e = r.error;
  if (e && typeof e.message === "string") {
    return typeof e.type === "string" && e.type !== "" && !e.message.startsWith(e.type)
      ? `${e.type}: ${e.message}`
      : e.message;
  }
  return typeof r.status?.message === "string" ? r.status.message : "";
}

function formatToolCalls(r: CanonicalSpan, max: number): string {
  const calls = r.llm?.toolCalls;
  if (!Array.isArray(calls) || calls.length === 0) return "";
  const names: string[] = [];
  for (let i = 0; i < calls.length && i < MAX_LISTED_TOOL_CALLS; i++) {
    const name = calls[i]?.name;
    names.push(typeof name === "string" ? escapeForTerminal(name, max) : "?");
  }
  const more = calls.length > MAX_LISTED_TOOL_CALLS ? ` +${calls.length - MAX_LISTED_TOOL_CALLS}` : "";
  return names.join(", ") + more;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** `tokens 120 in (100 cached) / 45 out (20 reasoning)`; `(aggregate)` when it rolls up children. */
export function formatUsage(u: CanonicalSpan["usage"]): string {
  if (!u) return "";
  const input = num(u.inputTokens);
  const output = num(u.outputTokens);
  const total = num(u.totalTokens);
  const cached = num(u.cacheReadTokens);
  const written = num(u.cacheWriteTokens);
  const reasoning = num(u.reasoningTokens);
  const parts: string[] = [];
  if (input !== undefined) {
    const notes: string[] = [];
    if (cached !== undefined) notes.push(`${cached} cached`);
    if (written !== undefined) notes.push(`${written} cache write`);
    parts.push(`${input} in` + (notes.length ? ` (${notes.join(", ")})` : ""));
  }
  if (output !== undefined) parts.push(`${output} out` + (reasoning !== undefined ? ` (${reasoning} reasoning)` : ""));
  if (parts.length === 0 && total !== undefined) parts.push(`${total} total`);
  if (parts.length === 0) return "";
  return "tokens " + parts.join(" / ") + (u.aggregate === true ? " (aggregate)" : "");
}

/** `0.42 ms`, `12.3 ms`, `820 ms`, `2.50 s`, `3m 05s`; `?` for a missing or negative value. */
export function formatDuration(ms: unknown): string {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return `${m}m ${s < 10 ? "0" : ""}${s}s`;
}

/** Orders by start time (fixed-format ISO strings compare as text), then span id: a total order. */
function compareStart(a: CanonicalSpan, b: CanonicalSpan): number {
  const sa = String(a.startTime);
  const sb = String(b.startTime);
  if (sa !== sb) return sa < sb ? -1 : 1;
  const ia = String(a.spanId);
  const ib = String(b.spanId);
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}
