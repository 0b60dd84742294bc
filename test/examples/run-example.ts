/**
 * Runs the examples as a reader would: plain `node` child processes on the BUILT package (the
 * examples import `canonspan`, which resolves to this repository through the package's
 * self-reference: its `name` + `exports`). `npm run build` must have run (CI builds first).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CanonicalSpan } from "../../src/model/record";

export const REPO_ROOT = join(__dirname, "..", "..");
export const EXAMPLES = join(REPO_ROOT, "examples");

/** A child still running after this long is killed (SIGKILL) and the test fails: examples take about a second. */
export const CHILD_TIMEOUT_MS = 60_000;

/** Throws a clear error when the package is not built (the examples run `dist/`). */
export function requireBuilt(): void {
  for (const f of ["index.mjs", "index.cjs", "register.mjs", "register.cjs", "cli.cjs"]) {
    if (!existsSync(join(REPO_ROOT, "dist", f))) throw new Error(`dist/${f} is missing: run \`npm run build\` before the example tests`);
  }
}

export function tempDir(prefix = "canonspan-example-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The environment of an example: the test's own, minus what would change its output. */
export function exampleEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OTEL_LOG_LEVEL: "warn" };
  for (const k of Object.keys(env)) {
    if (k === "FORCE_COLOR" || k === "NO_COLOR" || k.startsWith("CANONSPAN_") || k.startsWith("OTEL_EXPORTER_") || k.startsWith("OPENAI_")) delete env[k];
  }
  delete env.OTEL_SERVICE_NAME;
  delete env.OTEL_SDK_DISABLED;
  delete env.NODE_OPTIONS;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the test had to kill it (it did not end on its own). */
  timedOut: boolean;
}

export interface RunningChild {
  /** Resolves at the first stdout line matching `re` (with its match). */
  waitForLine(re: RegExp): Promise<RegExpMatchArray>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the child has exited. */
  done: Promise<ChildResult>;
}

/** Starts `node ...args`; the child is killed if it runs past CHILD_TIMEOUT_MS. */
export function startNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningChild {
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? exampleEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let timedOut = false;
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }> = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    for (const w of [...waiters]) {
      const m = w.re.exec(stdout);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, CHILD_TIMEOUT_MS);
  const done = new Promise<ChildResult>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new Error(`child exited before printing ${w.re}:\n${stdout}\n${stderr}`));
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
  return {
    waitForLine: (re) =>
      new Promise((resolve, reject) => {
        const m = re.exec(stdout);
        if (m) return resolve(m);
        waiters.push({ re, resolve, reject });
      }),
    kill: (signal) => child.kill(signal),
    done,
  };
}

/** Runs `node ...args` to completion. */
export function runNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  return startNode(args, options).done;
}

/** Parses a JSONL file of records; every line must be a complete JSON object. */
export function readJsonl(path: string): CanonicalSpan[] {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as CanonicalSpan);
}

/** True when `name` resolves from `dir` (an optional instrumentation the app may have installed). */
export function resolvableFrom(dir: string, name: string): boolean {
  try {
    require.resolve(name, { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

/** Parses a `KEY=value` env file (comments and blank lines skipped). */
export function parseEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const eq = t.indexOf("=");
    if (eq > 0) out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}
