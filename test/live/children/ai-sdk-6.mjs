/**
 * Live: the Vercel AI SDK 6 built-in telemetry (`ai`@6 + `@ai-sdk/openai`@3, chat completions)
 * through the global tracer provider — the capture's calls (scripts/capture/scenarios/ai-sdk-6.mjs)
 * with the live identity and no sampling settings.
 */
import { aiSdk6 } from "../../../scripts/capture/scenarios/ai-sdk-6.mjs";
import { runLive } from "./live-harness.mjs";

const META = { functionId: "live", sessionId: "s-live", userId: "u-live", tags: ["live", "ai-sdk-6"] };

await runLive({ meta: META, ...aiSdk6({ identity: META }) });
