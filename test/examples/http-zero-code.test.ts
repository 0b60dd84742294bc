/**
 * examples/http-zero-code: a `node:http` app with no tracing code, traced only through
 * `node --import canonspan/register` (ESM) or `node --require canonspan/register` (CommonJS) with
 * `CANONSPAN_SINKS=file:...`. The test calls it on 127.0.0.1, stops it with SIGTERM, and reads
 * the file.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { CanonicalSpan } from "../../src/model/record";
import { MOCK, startMockLlm, type MockLlm } from "../helpers/mock-llm";
import { expectValidRecord } from "../helpers/schema";
import { exampleEnv, EXAMPLES, readJsonl, requireBuilt, resolvableFrom, startNode, tempDir, type ChildResult } from "./run-example";

const APP_DIR = join(EXAMPLES, "http-zero-code");
const SERVICE = "http-zero-code-test";
/**
 * HTTP SERVER spans need `@opentelemetry/instrumentation-http`, which canonspan/register enables
 * when the app has it installed. It is not a dependency of this repository (reported to the lead).
 */
const HAS_HTTP_INSTRUMENTATION = resolvableFrom(APP_DIR, "@opentelemetry/instrumentation-http");

interface Run {
  result: ChildResult;
  records: CanonicalSpan[];
  /** HTTP statuses of the requests the test sent. */
  statuses: number[];
}

/** The questions the test asks the app, one request each. */
const QUESTIONS = ["hello", "and again"];

const VARIANTS = [
  { name: "ESM, --import", args: ["--import", "canonspan/register", "server.mjs"] },
  { name: "CommonJS, --require", args: ["--require", "canonspan/register", "server.cjs"] },
] as const;

let mock: MockLlm;
let dir: string;
const runs = new Map<string, Run>();

async function runServer(variant: (typeof VARIANTS)[number], out: string): Promise<Run> {
  const child = startNode([...variant.args], {
    cwd: APP_DIR,
    env: exampleEnv({
      PORT: "0",
      HOST: "127.0.0.1",
      CANONSPAN_SINKS: `file:${out}`,
      OTEL_SERVICE_NAME: SERVICE,
      OPENAI_BASE_URL: mock.baseURL,
      OPENAI_API_KEY: "sk-mock-not-a-secret",
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true",
    }),
  });
  const [, url] = await child.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const statuses: number[] = [];
  for (const path of [...QUESTIONS.map((q) => `/ask?q=${encodeURIComponent(q)}`), "/missing"]) {
    const res = await fetch(`${url}${path}`);
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  child.kill("SIGTERM");
  const result = await child.done;
  return { result, records: readJsonl(out), statuses };
}

beforeAll(async () => {
  requireBuilt();
  mock = await startMockLlm();
  dir = tempDir();
  for (const v of VARIANTS) runs.set(v.name, await runServer(v, join(dir, `${v.args[0].slice(2)}.jsonl`)));
}, 120_000);

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(VARIANTS)("examples/http-zero-code ($name)", (variant) => {
  const get = () => runs.get(variant.name)!;

  it("serves the requests and stops on SIGTERM without error output", () => {
    const { result, statuses } = get();
    expect(statuses).toEqual([200, 200, 404]);
    expect(result.timedOut).toBe(false);
    // Node 20 also runs --require preloads in its module-hooks thread: register must stay out of it.
    expect(result.stderr).toBe("");
  });

  it("writes the model calls as LLM records, with the service name from OTEL_SERVICE_NAME", () => {
    const { records } = get();
    for (const r of records) expectValidRecord(r);
    const llm = records.filter((r) => r.type === "LLM");
    expect(llm).toHaveLength(2);
    for (const r of llm) {
      expect(r.resource.attributes["service.name"]).toBe(SERVICE);
      expect(r.scope.name).toBe("@opentelemetry/instrumentation-openai");
      expect(r.llm).toMatchObject({ provider: "openai", requestModel: MOCK.chatModel, responseModel: MOCK.responseModel });
      expect(r.usage).toMatchObject({ inputTokens: MOCK.usage.prompt_tokens, outputTokens: MOCK.usage.completion_tokens, aggregate: false });
      expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: MOCK.text }], finish_reason: MOCK.finishReason }]);
    }
    // The messages come from the instrumentation's log records, wired by canonspan/register.
    const asked = llm.map((r) => r.llm?.inputMessages?.find((m) => m.role === "user")?.parts[0]);
    expect(asked).toEqual(QUESTIONS.map((q) => ({ type: "text", content: q })));
  });

  (HAS_HTTP_INSTRUMENTATION ? it : it.skip)("writes one HTTP SERVER record per request, parent of its model call", () => {
    const { records } = get();
    const server = records.filter((r) => r.kind === "SERVER");
    expect(server).toHaveLength(3);
    for (const r of server) expect(r.type).toBe("HTTP");
    for (const call of records.filter((r) => r.type === "LLM")) {
      expect(server.some((s) => s.traceId === call.traceId)).toBe(true);
    }
  });

  // canonspan's signal listener is prepended, so it sees the app's `process.once` listener
  // before that removes itself, and leaves the ending to the app.
  it("lets the app's own SIGTERM handler decide how it ends (exit code 0)", () => {
    expect(get().result).toMatchObject({ code: 0, signal: null });
  });
});
