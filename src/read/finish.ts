/** Finish-reason normalization (CONVENTIONS.md §7.9). Unknown values pass through lower-cased. */
const MAP: Readonly<Record<string, string>> = {
  "tool-calls": "tool_call",
  tool_calls: "tool_call",
  tool_call: "tool_call",
  function_call: "tool_call",
  tool_use: "tool_call",
  "content-filter": "content_filter",
  content_filter: "content_filter",
  end_turn: "stop",
  stop_sequence: "stop",
  stop: "stop",
  max_tokens: "length",
  length: "length",
  error: "error",
};

export function normalizeFinishReason(v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  const k = v.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(MAP, k) ? MAP[k] : k;
}

export function normalizeFinishReasons(v: unknown): string[] | undefined {
  if (v === undefined) return undefined; // the usual case (key absent): no arrays
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    const r = normalizeFinishReason(x);
    if (r !== undefined) out.push(r);
  }
  return out.length > 0 ? out : undefined;
}
