import { defineConfig } from "tsup";

// Dual ESM + CommonJS build: `.mjs` / `.cjs` with matching `.d.mts` / `.d.cts` declarations.
export default defineConfig({
  // Add `register: "src/register.ts"` and `cli: "src/cli/main.ts"` here when they exist.
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  target: "node18",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: false,
  outExtension: ({ format }) => ({ js: format === "cjs" ? ".cjs" : ".mjs" }),
});
