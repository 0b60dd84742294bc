import { defineConfig } from "tsup";
import type { Plugin } from "esbuild";

/**
 * `canonspan/register` loads the library through the main entry's built file instead of
 * bundling a second copy of it: `src/register/setup.ts` imports `../index`, which becomes
 * `./index.mjs` / `./index.cjs`, the file next to the register bundle.
 */
const libraryExternal: Plugin = {
  name: "canonspan-library-external",
  setup(build) {
    const file = build.initialOptions.format === "esm" ? "./index.mjs" : "./index.cjs";
    build.onResolve({ filter: /^\.\.\/index$/ }, (args) =>
      args.importer.replace(/\\/g, "/").endsWith("/src/register/setup.ts") ? { path: file, external: true } : undefined,
    );
  },
};

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
  esbuildPlugins: [libraryExternal],
});
