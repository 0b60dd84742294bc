/**
 * Lets a plain Node child process `require` canonspan's TypeScript sources (`src/**.ts`), so the
 * live tests run the code under test rather than a possibly stale `dist/`. Compiles each `.ts`
 * file to CommonJS with `@swc/core` (already the jest transformer) on first load.
 *
 * Use: `node --require ./test/live/children/ts-hook.cjs child.mjs`, then in the child
 * `createRequire(import.meta.url)("../../../src/index.ts")`.
 */
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const swc = require("@swc/core");

const extensions = Module._extensions;
if (!extensions[".ts"]) {
  extensions[".ts"] = function compileTs(module, filename) {
    const { code } = swc.transformSync(readFileSync(filename, "utf8"), {
      filename,
      module: { type: "commonjs" },
      sourceMaps: "inline",
      jsc: { target: "es2022", parser: { syntax: "typescript" } },
    });
    module._compile(code, filename);
  };
}
