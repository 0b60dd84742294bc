/**
 * Zero-code entry (SPEC.md §2):
 *   node --import canonspan/register app.mjs     (ESM)
 *   node --require canonspan/register app.js     (CommonJS)
 * Starts tracing through canonspan from the environment (`CANONSPAN_SINKS`, `OTEL_*`), flushing
 * on exit and on SIGTERM/SIGINT. `register()` is the same thing as one call, for code.
 */
import * as nodeModule from "node:module";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort } from "node:worker_threads";
import { register } from "./register/setup";

export { register, sinksFromSpecs } from "./register/setup";
export type { RegisterHandle, RegisterOptions } from "./register/setup";

/**
 * ESM applications need the import-in-the-middle loader hook for instrumentations to patch
 * `import`ed modules (Node >= 20.6 / 18.19 have `module.register`).
 */
function registerEsmHook(): void {
  const reg = (nodeModule as { register?: (specifier: string, parentURL: string) => void }).register;
  if (typeof reg !== "function") return;
  try {
    reg("@opentelemetry/instrumentation/hook.mjs", pathToFileURL(__filename).href);
  } catch {
    // Without the hook, CommonJS modules are still instrumented through require-in-the-middle.
  }
}

/**
 * Node 20 also runs `--require` preloads in its module-hooks thread (a worker without a
 * `parentPort`; user workers have one). Tracing there would start a second provider with its
 * own sinks, and registering the hook again makes import-in-the-middle warn "already been
 * initialized": that thread gets nothing.
 */
function isModuleHooksThread(): boolean {
  return !isMainThread && parentPort === null;
}

if ((process.env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() !== "true" && !isModuleHooksThread()) {
  registerEsmHook();
  register({ handleSignals: true });
}
