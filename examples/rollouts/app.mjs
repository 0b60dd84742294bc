/**
 * Agent Lightning-style rollouts: each attempt of a task runs inside
 * `withRollout({ rolloutId, attemptId }, fn)`, so every span started inside — the agent's, the
 * instrumented model calls', the reward annotation's — gets `rolloutId`, `attemptId` and a
 * `sequenceId` that strictly increases, in the order spans end, within the attempt.
 *
 *   node examples/rollouts/app.mjs [--out <file.jsonl>]      (default .canonspan/rollouts.jsonl)
 *
 * Model calls go to OPENAI_BASE_URL when set, else to a local mock (no key, no network).
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { trace } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { CanonicalSpanProcessor, FileSink, MemorySink, withRollout } from "canonspan";
import { llmEndpoint } from "../shared/llm-endpoint.mjs";

const { values } = parseArgs({ options: { out: { type: "string", default: ".canonspan/rollouts.jsonl" } } });

const memory = new MemorySink();
const provider = new NodeTracerProvider({
  spanProcessors: [new CanonicalSpanProcessor({ sinks: [new FileSink({ path: values.out }), memory] })],
});
provider.register();
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()], tracerProvider: provider });
const { OpenAI } = createRequire(import.meta.url)("openai"); // after the instrumentation: patched

const tracer = trace.getTracer("rollouts-example");

/** The agent under training: one model call per step, then a reward annotation (Agent Lightning v0.3 keys). */
async function agent(client, task, steps) {
  return tracer.startActiveSpan("invoke_agent solver", async (span) => {
    span.setAttributes({ "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "solver" });
    let answer = "";
    for (let i = 0; i < steps; i++) {
      const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: task }] });
      answer = r.choices[0].message.content ?? "";
    }
    tracer
      .startSpan("agentlightning.annotation", {
        attributes: { "agentlightning.reward.0.name": "primary", "agentlightning.reward.0.value": answer.length > 0 ? 1 : 0 },
      })
      .end();
    span.end();
    return answer;
  });
}

const llm = await llmEndpoint();
const client = new OpenAI({ baseURL: llm.baseURL, apiKey: llm.apiKey, maxRetries: 0 });
try {
  const tasks = ["What is 2 + 2?", "Name a prime number."];
  // Attempts run concurrently: the ids travel in the OTel context, not in globals.
  await Promise.all(
    tasks.flatMap((task, i) =>
      [1, 2].map((attempt) => withRollout({ rolloutId: `ro-${i + 1}`, attemptId: `ro-${i + 1}-at-${attempt}` }, () => agent(client, task, attempt))),
    ),
  );
} finally {
  await provider.shutdown();
  await llm.close();
}

// What a trainer would do: group the records by attempt, in sequence order.
const byAttempt = new Map();
for (const r of memory.records) {
  const key = `${r.rolloutId}/${r.attemptId}`;
  byAttempt.set(key, [...(byAttempt.get(key) ?? []), r]);
}
for (const [key, records] of [...byAttempt].sort()) {
  const seq = records.map((r) => `${r.sequenceId}:${r.type}`).join(" ");
  console.log(`${key}  ${seq}`);
}
console.log(`records written to ${values.out}`);
