/**
 * A consumer project for the BUILT package: a temporary directory whose
 * `node_modules/canonspan` is a symlink to this repository, as after `npm install canonspan`
 * (Node and tsc resolve the link to its real path, so canonspan's own dependencies resolve from
 * the repository's node_modules). `npm run build` must have run (CI builds before testing).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const REPO_ROOT = join(__dirname, "..", "..");
/** A child still running after this long is killed: every consumer run takes well under a second (tsc a few). */
const CHILD_TIMEOUT_MS = 120_000;

export function requireBuilt(): void {
  if (!existsSync(join(REPO_ROOT, "dist", "index.mjs"))) throw new Error("dist/ is missing: run `npm run build` before the package tests");
}

export interface Consumer {
  dir: string;
  write(relPath: string, content: string): string;
  remove(): void;
}

export function makeConsumer(prefix: string): Consumer {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "canonspan"), "dir");
  return {
    dir,
    write(relPath, content) {
      const file = join(dir, relPath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never rejects (the result says how it ended). */
export function exec(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: CHILD_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The environment of a consumer: no canonspan or OTel configuration inherited from the test run. */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("CANONSPAN_") || k.startsWith("OTEL_") || k === "NODE_OPTIONS") delete env[k];
  return { ...env, ...extra };
}
