/**
 * Captures the Vercel AI SDK 6 built-in telemetry (`ai`@6 + `@ai-sdk/openai`@3) through the
 * global tracer provider: generateText, streamText, a tool with `execute`, embed, and a failure
 * (wiring and scenarios: scenarios/ai-sdk-6.mjs).
 */
import { runCapture, packageVersion } from "./harness.mjs";
import { aiSdk6 } from "./scenarios/ai-sdk-6.mjs";

await runCapture({
  instrumentation: "ai-sdk-6",
  pkg: packageVersion("ai"),
  packages: ["ai", "@ai-sdk/openai", "zod"],
  ...aiSdk6({
    identity: { functionId: "demo", sessionId: "s-1", userId: "u-1", tags: ["capture", "ai-sdk-6"] },
    params: { temperature: 0.2, maxOutputTokens: 64 },
  }),
});
