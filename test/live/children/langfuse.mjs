/**
 * Live: `@langfuse/tracing` observations built the way its users do (scenarios:
 * scripts/capture/scenarios/langfuse.mjs), with `LangfuseSpanProcessor` first in the provider —
 * it stamps environment, release and the propagated user/session/tags on each span in `onStart`
 * — and canonspan's processor after it. The Langfuse exporter is a no-op: nothing is sent anywhere.
 *
 * Usage is reported in additive buckets, as Langfuse's own OpenAI integration does; the capture
 * uses inclusive numbers, so both readings of `usage_details` are exercised.
 */
import { additiveUsage, langfuseProcessor, langfuseScenarios } from "../../../scripts/capture/scenarios/langfuse.mjs";
import { runLive } from "./live-harness.mjs";

const PROPAGATED = { userId: "u-live", sessionId: "s-live", tags: ["live", "langfuse"] };
const ENVIRONMENT = "live";
const NOOP_EXPORTER = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };

const { setup, scenarios } = langfuseScenarios({ propagated: PROPAGATED, usageDetails: additiveUsage });
// The live test has no embeddings case (the capture's fixture covers the embedding observation).
const { embeddings: _captureOnly, ...liveScenarios } = scenarios;

await runLive({
  meta: { ...PROPAGATED, environment: ENVIRONMENT },
  spanProcessors: (canonical, mock) => [langfuseProcessor({ exporter: NOOP_EXPORTER, environment: ENVIRONMENT, mock }), canonical],
  setup,
  scenarios: liveScenarios,
});
