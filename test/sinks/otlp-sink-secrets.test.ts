import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import * as net from "node:net";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { SinkResult } from "../../src/sinks/sink";
import { resetOtlpConfigWarnings } from "../../src/sinks/otlp-config";
import { OtlpSink } from "../../src/sinks/otlp-sink";
import { OtlpReceiver, type ReceivedRequest } from "../helpers/otlp-receiver";
import { makeSpan } from "../helpers/spans";

const ENV_CANARY = "CANARY-env-7f3a9c1e5b2d";
const OPT_CANARY = "CANARY-opt-0e8d4b6a2c9f";
const SECRETS = [ENV_CANARY, OPT_CANARY, encodeURIComponent(`Bearer ${ENV_CANARY}`)];

/** A collector that reflects the credentials it received into its status line and body. */
function echo(req: ReceivedRequest): string {
  return `auth=${String(req.headers.authorization)} key=${String(req.headers["x-api-key"])}`;
}

describe("header values never leak", () => {
  const saved = { ...process.env };
  const lines: string[] = [];
  let rx: OtlpReceiver;

  beforeAll(() => {
    const rec = (level: string) => (msg: string, ...args: unknown[]) => {
      lines.push(`${level} ${msg} ${args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" ")}`);
    };
    const logger: DiagLogger = { error: rec("error"), warn: rec("warn"), info: rec("info"), debug: rec("debug"), verbose: rec("verbose") };
    diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    resetOtlpConfigWarnings();
  });
  beforeEach(async () => {
    rx = await OtlpReceiver.start();
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `authorization=Bearer%20${ENV_CANARY},broken-entry`;
    process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = `x-bad=${ENV_CANARY}%0D%0Ainjected`;
    process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT = "not-a-number";
  });
  afterEach(async () => {
    await rx.close();
    for (const k of Object.keys(process.env)) if (k.startsWith("OTEL_")) delete process.env[k];
    Object.assign(process.env, saved);
  });
  afterAll(() => diag.disable());

  async function run(url: string, script: OtlpReceiver["script"], timeoutMillis = 1_500): Promise<SinkResult> {
    rx.script = script;
    const sink = new OtlpSink({ url, headers: { "X-Api-Key": OPT_CANARY }, timeoutMillis, retry: { initialBackoffMillis: 10, maxBackoffMillis: 50 }, protocol: "http/json" });
    const batch = [0, 1, 2].map((i) => toCanonicalSpan(makeSpan({ name: i === 1 ? "bad" : `s${i}` })));
    const res = await sink.write(batch);
    await sink.shutdown();
    return res;
  }

  it("in diag output (ALL level), errors and stats, across failure modes", async () => {
    const results: SinkResult[] = [];
    results.push(await run(rx.url, (req) => ({ status: 401, statusMessage: echo(req), body: echo(req) })));
    results.push(await run(rx.url, (req) => (req.spans.some((s) => s.name === "bad") ? { status: 400, statusMessage: echo(req), body: echo(req) } : undefined)));
    results.push(await run(rx.url, (req) => ({ status: 503, statusMessage: echo(req), body: echo(req) }), 300));
    results.push(await run(rx.url, (req) => ({ body: JSON.stringify({ partialSuccess: { rejectedSpans: "1", errorMessage: echo(req) } }) })));
    results.push(await run(rx.url, () => ({ hang: true }), 300));
    const closed = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    results.push(await run(`http://127.0.0.1:${closed}/v1/traces`, undefined, 300));

    // The credentials were really sent (so the test can fail) ...
    expect(rx.requests.length).toBeGreaterThan(5);
    expect(rx.requests[0]!.headers.authorization).toBe(`Bearer ${ENV_CANARY}`);
    expect(rx.requests[0]!.headers["x-api-key"]).toBe(OPT_CANARY);
    expect(rx.requests[0]!.headers["x-bad"]).toBeUndefined(); // the CR/LF entry was refused
    // ... failures were reported and logged ...
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(lines.some((l) => l.includes("[REDACTED]"))).toBe(true);
    expect(lines.some((l) => l.includes("OTEL_EXPORTER_OTLP_HEADERS has an invalid entry"))).toBe(true);
    // ... and no secret appears anywhere.
    const texts = [
      ...lines,
      ...results.map((r) => (r.ok ? "" : `${r.reason} ${r.error?.message ?? ""} ${r.error?.stack ?? ""}`)),
    ].join("\n");
    for (const s of SECRETS) expect(texts).not.toContain(s);
  });
});
