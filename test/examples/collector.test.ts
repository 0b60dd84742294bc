/**
 * examples/collector: the app (no tracing code) run with `canonspan/register` and the
 * environment of `app.env`, its collector replaced by the OTLP receiver of the tests on
 * 127.0.0.1. The collector config must receive OTLP/HTTP where app.env sends it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MOCK, startMockLlm, type MockLlm } from "../helpers/mock-llm";
import { OtlpReceiver } from "../helpers/otlp-receiver";
import { exampleEnv, EXAMPLES, parseEnvFile, requireBuilt, runNode, type ChildResult } from "./run-example";

const DIR = join(EXAMPLES, "collector");
const APP_ENV = parseEnvFile(join(DIR, "app.env"));

let mock: MockLlm;
let rx: OtlpReceiver;
let run: ChildResult;

beforeAll(async () => {
  requireBuilt();
  mock = await startMockLlm();
  rx = await OtlpReceiver.start();
  run = await runNode(["--import", "canonspan/register", join(DIR, "app.mjs")], {
    env: exampleEnv({ ...APP_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: rx.baseUrl, OPENAI_BASE_URL: mock.baseURL, OPENAI_API_KEY: "sk-mock-not-a-secret" }),
  });
}, 90_000);

afterAll(async () => {
  await rx.close();
  await mock.close();
});

describe("examples/collector", () => {
  it("app.env sends OTLP with canonspan's sink to the port the collector config receives OTLP/HTTP on", () => {
    expect(APP_ENV.CANONSPAN_SINKS).toBe("otlp");
    const port = new URL(APP_ENV.OTEL_EXPORTER_OTLP_ENDPOINT!).port;
    const config = readFileSync(join(DIR, "otel-collector-config.yaml"), "utf8");
    expect(config).toMatch(new RegExp(`http:\\s*\\n\\s*endpoint: 0\\.0\\.0\\.0:${port}\\b`));
    expect(config).toMatch(/traces:\s*\n\s*receivers: \[otlp\]/);
  });

  it("the job ends on its own after delivering its records", () => {
    expect(run).toMatchObject({ code: 0, signal: null, timedOut: false });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`model says: ${MOCK.text}`);
    expect(rx.requests.map((r) => r.path)).toEqual(["/v1/traces"]);
  });

  it("the collector receives the model call with GenAI semantic-convention keys and the app's service name", () => {
    const spans = rx.accepted();
    expect(spans).toHaveLength(1);
    const s = spans[0]!;
    expect(s.name).toBe(`chat ${MOCK.chatModel}`);
    expect(s.resource.attributes["service.name"]).toBe(APP_ENV.OTEL_SERVICE_NAME);
    expect(s.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": MOCK.chatModel,
      "gen_ai.response.model": MOCK.responseModel,
      "gen_ai.response.id": MOCK.chatId,
      "gen_ai.usage.input_tokens": MOCK.usage.prompt_tokens,
      "gen_ai.usage.output_tokens": MOCK.usage.completion_tokens,
    });
  });
});
