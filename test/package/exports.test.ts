/**
 * The package manifest against the build: every `exports` target, `main`/`module`/`types` and
 * the `bin` exist after `npm run build` and are inside `files`; the declarations resolve for
 * TypeScript consumers with `moduleResolution: node16`, as ES module and as CommonJS.
 *
 * (Neither publint nor @arethetypeswrong/cli is installed; this is the stand-in.)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { consumerEnv, exec, makeConsumer, REPO_ROOT, requireBuilt, type Consumer, type ExecResult } from "./package-helpers";

interface Manifest {
  name: string;
  main: string;
  module: string;
  types: string;
  files: string[];
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string | Record<string, string>>>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as Manifest;

/** Every file path an `exports` entry can point to, with the condition chain that leads there. */
function exportTargets(): Array<{ subpath: string; conditions: string; target: string }> {
  const out: Array<{ subpath: string; conditions: string; target: string }> = [];
  const walk = (subpath: string, value: unknown, conditions: string[]): void => {
    if (typeof value === "string") out.push({ subpath, conditions: conditions.join("."), target: value });
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(subpath, v, [...conditions, k]);
  };
  for (const [subpath, value] of Object.entries(pkg.exports)) walk(subpath, value, []);
  return out;
}

const inFiles = (target: string) => pkg.files.some((f) => target.replace(/^\.\//, "") === f || target.replace(/^\.\//, "").startsWith(`${f}/`));

beforeAll(() => requireBuilt());

describe("package.json exports against the build", () => {
  it.each(exportTargets())("$subpath ($conditions) → $target exists and is published", ({ target }) => {
    expect(target.startsWith("./")).toBe(true);
    expect(existsSync(join(REPO_ROOT, target))).toBe(true);
    expect(inFiles(target) || target === "./package.json").toBe(true);
  });

  it("lists `types` first in every condition object (TypeScript reads conditions in order)", () => {
    for (const value of Object.values(pkg.exports)) {
      if (typeof value !== "object") continue;
      for (const cond of Object.values(value)) {
        if (typeof cond === "object") expect(Object.keys(cond)[0]).toBe("types");
      }
    }
  });

  it("declares ES module types as .d.mts and CommonJS types as .d.ts (the package is type: commonjs)", () => {
    for (const t of exportTargets()) {
      if (t.conditions === "import.types") expect(t.target).toMatch(/\.d\.mts$/);
      if (t.conditions === "require.types") expect(t.target).toMatch(/\.d\.ts$/);
      if (t.conditions === "import.default") expect(t.target).toMatch(/\.mjs$/);
      if (t.conditions === "require.default") expect(t.target).toMatch(/\.cjs$/);
    }
  });

  it("main, module, types and the bin exist; the bin is an executable script", () => {
    for (const f of [pkg.main, pkg.module, pkg.types, ...Object.values(pkg.bin)]) {
      expect(existsSync(join(REPO_ROOT, f))).toBe(true);
      expect(inFiles(f)).toBe(true);
    }
    for (const bin of Object.values(pkg.bin)) expect(readFileSync(join(REPO_ROOT, bin), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

/** Uses the public types the way a consumer would; @ts-expect-error lines prove they are not `any`. */
const TYPED_USE = `
const sink: SpanSink = {
  name: "mine",
  write: async (records: readonly CanonicalSpan[]) => { void records.map((r) => r.llm?.model); return { ok: true }; },
  shutdown: async () => {},
};
export const processor = new CanonicalSpanProcessor({ sinks: [sink, new MemorySink(), new FileSink({ path: "spans.jsonl" })] });
export const type: SpanType = "LLM";
export const convert = (span: Parameters<typeof toCanonicalSpan>[0]): string => toCanonicalSpan(span).schema;
export const run = (): Promise<number> => withRollout({ rolloutId: "r", attemptId: "a" }, async () => 1);
export const start = (): Promise<void> => register({ sinks: ["console"] }).shutdown();
// @ts-expect-error sinks must be SpanSink objects
new CanonicalSpanProcessor({ sinks: "file:spans.jsonl" });
// @ts-expect-error not a span type
export const bad: SpanType = "NOT_A_TYPE";
`;

const ESM_TYPES = `import { CanonicalSpanProcessor, FileSink, MemorySink, toCanonicalSpan, withRollout, type CanonicalSpan, type SpanSink, type SpanType } from "canonspan";
import { register } from "canonspan/register";
${TYPED_USE}`;

const CJS_TYPES = `import canonspan = require("canonspan");
import registerEntry = require("canonspan/register");
const { CanonicalSpanProcessor, FileSink, MemorySink, toCanonicalSpan, withRollout } = canonspan;
const { register } = registerEntry;
type CanonicalSpan = canonspan.CanonicalSpan;
type SpanSink = canonspan.SpanSink;
type SpanType = canonspan.SpanType;
${TYPED_USE}`;

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    module: "node16",
    moduleResolution: "node16",
    target: "es2022",
    strict: true,
    noEmit: true,
    // The consumer's own @types (canonspan's declarations mention Node stream types).
    typeRoots: [join(REPO_ROOT, "node_modules", "@types")],
    types: ["node"],
  },
  files: ["esm.mts", "cjs.cts"],
});

let consumer: Consumer;
let tsc: ExecResult;

describe("declarations for TypeScript consumers (moduleResolution node16)", () => {
  beforeAll(async () => {
    consumer = makeConsumer("canonspan-types-");
    consumer.write("esm.mts", ESM_TYPES);
    consumer.write("cjs.cts", CJS_TYPES);
    consumer.write("tsconfig.json", TSCONFIG);
    tsc = await exec(process.execPath, [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
      cwd: consumer.dir,
      env: consumerEnv(),
    });
  }, 120_000);

  afterAll(() => consumer?.remove());

  it("type-check an ES module consumer and a CommonJS consumer with no error", () => {
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  });
});
