/**
 * Captures `@langfuse/tracing` (v5) observations the way a user builds them by hand (wiring and
 * scenarios: scenarios/langfuse.mjs). Spans go through `LangfuseSpanProcessor` (as for every
 * Langfuse user) into the in-memory exporter; nothing is sent anywhere.
 *
 * Usage is reported with inclusive counts here and additive buckets in the live test
 * (test/live/children/langfuse.mjs), so both readings of `usage_details` are exercised.
 */
import { runCapture, packageVersion } from "./harness.mjs";
import { inclusiveUsage, langfuseProcessor, langfuseScenarios } from "./scenarios/langfuse.mjs";

await runCapture({
  instrumentation: "langfuse",
  pkg: packageVersion("@langfuse/tracing"),
  packages: ["@langfuse/tracing", "@langfuse/otel", "@langfuse/core", "openai"],
  spanProcessors: ({ exporter, mock }) => [langfuseProcessor({ exporter, environment: "capture", release: "r-1", mock })],
  ...langfuseScenarios({
    propagated: { userId: "u-1", sessionId: "s-1", tags: ["capture", "langfuse"], metadata: { feature: "demo" } },
    usageDetails: inclusiveUsage,
    params: { temperature: 0.2, max_tokens: 64 },
    annotate: true,
  }),
});
