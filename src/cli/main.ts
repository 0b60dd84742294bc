#!/usr/bin/env node
/**
 * `canonspan` command line: reads canonspan JSONL files.
 *   canonspan tree  <file|-> [...]   one tree per trace
 *   canonspan stats <file|-> [...]   spans by type, tokens by model, cost, errors (JSON with --json)
 */
import { renderTraceTree } from "../sinks/console-tree";
import { shouldUseColors } from "../sinks/terminal";
import { readRecords } from "./read-jsonl";
import { summarize, summaryLine } from "./summary";

const USAGE = `usage: canonspan <tree|stats> [--json] <file.jsonl|-> [...]

  tree    print one tree per trace (type, name, duration, model, tokens, tool, status)
  stats   spans by type, tokens by model (non-aggregate usage), cost and errors
  --json  stats as JSON
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes("--json");
  const files = rest.filter((a) => a !== "--json");
  if (command === "--help" || command === "-h" || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if ((command !== "tree" && command !== "stats") || files.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const { records, badLines } = await readRecords(files);
  if (command === "stats") {
    const s = summarize(records);
    process.stdout.write(json ? JSON.stringify({ ...s, badLines }, null, 2) + "\n" : summaryLine(s) + "\n");
  } else {
    const colors = shouldUseColors(process.stdout);
    const byTrace = new Map<string, typeof records>();
    for (const r of records) {
      const list = byTrace.get(r.traceId);
      if (list) list.push(r);
      else byTrace.set(r.traceId, [r]);
    }
    for (const list of byTrace.values()) process.stdout.write(renderTraceTree(list, { colors }) + "\n");
  }
  if (badLines > 0) process.stderr.write(`canonspan: skipped ${badLines} line(s) that are not canonspan/v1 records\n`);
  return 0;
}

// `canonspan tree spans.jsonl | head`: a closed pipe ends the program quietly, like other CLIs.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`canonspan: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
