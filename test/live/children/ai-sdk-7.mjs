/**
 * Live: the Vercel AI SDK 7 (`ai-v7` = ai@7, `ai-sdk-openai-v4` = @ai-sdk/openai@4) with the
 * GenAI-semconv `OpenTelemetry` integration of `@ai-sdk/otel` — the capture's calls
 * (scripts/capture/scenarios/ai-sdk-7.mjs) with the live identity and no sampling settings.
 */
import { aiSdk7 } from "../../../scripts/capture/scenarios/ai-sdk-7.mjs";
import { runLive } from "./live-harness.mjs";

const META = { functionId: "live", sessionId: "s-live", userId: "u-live", tags: ["live", "ai-sdk-7"] };

await runLive({ meta: META, ...aiSdk7({ identity: META }) });
