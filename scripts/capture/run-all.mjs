/**
 * Regenerates every captured fixture: runs each capture script in its own child process
 * (instrumentations patch `openai` and register global providers, so they cannot share one).
 *
 *   node scripts/capture/run-all.mjs [--out <dir>] [--only <capture,...>]
 *
 * `--only` takes capture names (`otel-openai`, `ai-sdk-7-legacy`, ...). Exits non-zero when any
 * capture fails or exceeds its time limit.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
/** A capture that runs longer than this is killed and counted as failed. */
const CAPTURE_TIMEOUT_MS = 60_000;

/** Capture name → script (and its extra arguments). */
const CAPTURES = [
  { name: "otel-openai", script: "otel-openai.mjs" },
  { name: "openinference-openai", script: "openinference-openai.mjs" },
  { name: "openllmetry-openai", script: "openllmetry-openai.mjs" },
  { name: "ai-sdk-6", script: "ai-sdk-6.mjs" },
  { name: "ai-sdk-7", script: "ai-sdk-7.mjs" },
  { name: "ai-sdk-7-legacy", script: "ai-sdk-7.mjs", args: ["--legacy"] },
  { name: "langfuse", script: "langfuse.mjs" },
];

function runOne(capture, outArgs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(HERE, capture.script), ...(capture.args ?? []), ...outArgs], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, OTEL_LOG_LEVEL: process.env.OTEL_LOG_LEVEL ?? "error" },
    });
    const timer = setTimeout(() => {
      console.error(`[run-all] ${capture.name} exceeded ${CAPTURE_TIMEOUT_MS} ms, killing it`);
      child.kill("SIGKILL");
    }, CAPTURE_TIMEOUT_MS);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ name: capture.name, ok: code === 0, code, signal, ms: Date.now() - started });
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      console.error(`[run-all] could not start ${capture.name}:`, e);
      resolve({ name: capture.name, ok: false, code: null, signal: null, ms: Date.now() - started });
    });
  });
}

const { values } = parseArgs({ options: { out: { type: "string" }, only: { type: "string" } } });
const only = values.only ? new Set(values.only.split(",")) : undefined;
const unknown = [...(only ?? [])].filter((n) => !CAPTURES.some((c) => c.name === n));
if (unknown.length > 0) {
  console.error(`[run-all] unknown capture(s): ${unknown.join(", ")}`);
  process.exit(2);
}
const outArgs = values.out ? ["--out", values.out] : [];
const results = [];
// One at a time: keeps the output readable and the load low; the whole run takes seconds.
for (const capture of CAPTURES) {
  if (only && !only.has(capture.name)) continue;
  results.push(await runOne(capture, outArgs));
}
for (const r of results) console.log(`[run-all] ${r.ok ? "ok  " : "FAIL"} ${r.name} (${r.ms} ms${r.ok ? "" : `, exit ${r.code ?? r.signal}`})`);
if (results.some((r) => !r.ok)) process.exitCode = 1;
