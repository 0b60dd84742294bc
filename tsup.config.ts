import { defineConfig } from "tsup";

// Dual ESM + CommonJS build: `.mjs` / `.cjs` with matching `.d.mts` / `.d.cts` declarations.
export default defineConfig({
  // `worker` is the offload worker's entry, loaded at run time next to the running bundle.
  entry: { index: "src/index.ts", register: "src/register.ts", cli: "src/cli/main.ts", worker: "src/processor/offload/worker.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", register: "src/register.ts" } },
  target: "node18",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: false,
  // `__filename` / `import.meta.url` work in both formats.
  shims: true,
  outExtension: ({ format }) => ({ js: format === "cjs" ? ".cjs" : ".mjs" }),
});
