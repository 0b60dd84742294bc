/** Streams canonical records out of JSONL files (or stdin for `-`); bad lines are counted, not fatal. */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { CanonicalSpan } from "../model/record";
import { parseJsonText } from "../read/json";

export interface ReadResult {
  records: CanonicalSpan[];
  badLines: number;
}

const MAX_LINE = 16 * 1024 * 1024;

export async function readRecords(paths: readonly string[], maxRecords = 1_000_000): Promise<ReadResult> {
  const out: ReadResult = { records: [], badLines: 0 };
  for (const path of paths) {
    const input = path === "-" ? process.stdin : createReadStream(path, { encoding: "utf8" });
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === "") continue;
      const parsed = line.length > MAX_LINE ? undefined : parseJsonText(line);
      const v = parsed?.ok ? parsed.value : undefined;
      if (v && typeof v === "object" && !Array.isArray(v) && (v as { schema?: unknown }).schema === "canonspan/v1") {
        if (out.records.length < maxRecords) out.records.push(v as unknown as CanonicalSpan);
      } else out.badLines++;
    }
  }
  return out;
}
