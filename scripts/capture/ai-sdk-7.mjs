/**
 * Captures the Vercel AI SDK 7 telemetry (`ai-v7` = ai@7, `ai-sdk-openai-v4` = @ai-sdk/openai@4)
 * through the `@ai-sdk/otel` integration registered with `registerTelemetry` (wiring and
 * scenarios: scenarios/ai-sdk-7.mjs).
 *
 * `node ai-sdk-7.mjs` uses the GenAI-semconv `OpenTelemetry` integration (fixtures in
 * `ai-sdk-7/`); `node ai-sdk-7.mjs --legacy` uses `LegacyOpenTelemetry`, which keeps the
 * AI SDK 6 `ai.*` span layout (fixtures in `ai-sdk-7-legacy/`).
 */
import { runCapture, packageVersion } from "./harness.mjs";
import { GENAI_OPTIONS, aiSdk7 } from "./scenarios/ai-sdk-7.mjs";

const legacy = process.argv.includes("--legacy");
// parseArgs in the harness is strict: drop our own flag before it runs.
process.argv = process.argv.filter((a) => a !== "--legacy");

await runCapture({
  instrumentation: legacy ? "ai-sdk-7-legacy" : "ai-sdk-7",
  pkg: packageVersion("ai-v7"),
  packages: ["ai-v7", "@ai-sdk/otel", "ai-sdk-openai-v4", "zod"],
  notes: [
    legacy
      ? "registerTelemetry(new LegacyOpenTelemetry()); runtimeContext {sessionId,userId,tags} with telemetry.includeRuntimeContext."
      : `registerTelemetry(new OpenTelemetry(${JSON.stringify(GENAI_OPTIONS)})); runtimeContext {sessionId,userId,tags} with telemetry.includeRuntimeContext.`,
  ],
  ...aiSdk7({
    identity: { functionId: "demo", sessionId: "s-1", userId: "u-1", tags: ["capture", "ai-sdk-7"] },
    legacy,
    params: { temperature: 0.2, maxOutputTokens: 64 },
  }),
});
