import { diag, DiagLogLevel, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import * as net from "node:net";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import type { CanonicalSpan } from "../../src/model/record";
import { resetOtlpConfigWarnings, type OtlpSinkOptions } from "../../src/sinks/otlp-config";
import { isoToHrTime } from "../../src/sinks/otlp-span";
import { OtlpSink } from "../../src/sinks/otlp-sink";
import { OtlpReceiver } from "../helpers/otlp-receiver";
import { makeSpan } from "../helpers/spans";

const FAST_RETRY = { initialBackoffMillis: 20, maxBackoffMillis: 100 };

let rx: OtlpReceiver;
const sinks: OtlpSink[] = [];
beforeEach(async () => {
  rx = await OtlpReceiver.start();
});
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.shutdown()));
  await rx.close();
});

function sink(options: OtlpSinkOptions = {}): OtlpSink {
  const s = new OtlpSink({ url: rx.url, retry: FAST_RETRY, ...options });
  sinks.push(s);
  return s;
}

function batch(n: number, name: (i: number) => string = (i) => `span-${i}`): CanonicalSpan[] {
  return Array.from({ length: n }, (_, i) => toCanonicalSpan(makeSpan({ name: name(i), attributes: { i } })));
}

function nanos(iso: string): bigint {
  const [s, ns] = isoToHrTime(iso);
  return BigInt(s) * 1_000_000_000n + BigInt(ns);
}

/** An LLM child span with events, links, status, resource and scope, plus modeled fields. */
function richRecord(): CanonicalSpan {
  const parent = makeSpan({ name: "parent" });
  const link = makeSpan({ name: "linked" }).spanContext();
  const src = makeSpan({
    name: "chat gpt-4o",
    kind: SpanKind.CLIENT,
    attributes: { "custom.extra": "kept" },
    events: [{ name: "ev", attributes: { k: "v" } }],
    links: [{ context: link, attributes: { lk: 1 } }],
    status: { code: SpanStatusCode.ERROR, message: "nope" },
    resource: { "deployment.environment.name": "dev" },
    scope: "my-scope",
  });
  const r = toCanonicalSpan({ ...src, spanContext: () => src.spanContext(), parentSpanContext: parent.spanContext() } as never);
  r.type = "LLM";
  r.llm = { operation: "chat", provider: "aws_bedrock", requestModel: "gpt-4o", streaming: true, parameters: { temperature: 0.25, maxTokens: 64 } };
  r.usage = { inputTokens: 12, outputTokens: 7, cacheReadTokens: 2, aggregate: false };
  r.tool = { name: "lookup", arguments: { q: 1 } };
  return r;
}

describe.each([
  ["http/json", "none"],
  ["http/json", "gzip"],
  ["http/protobuf", "none"],
  ["http/protobuf", "gzip"],
] as const)("%s, compression %s", (protocol, compression) => {
  it("delivers the original ids, parent, times, status, events, links, resource, scope and semconv keys", async () => {
    const r = richRecord();
    const res = await sink({ protocol, compression }).write([r]);
    expect(res).toEqual({ ok: true });
    const req = rx.requests[0]!;
    expect(req.path).toBe("/v1/traces");
    expect(req.encoding).toBe(protocol === "http/json" ? "json" : "protobuf");
    expect(req.gzip).toBe(compression === "gzip");
    expect(req.decodeError).toBeUndefined();
    const [s] = rx.accepted();
    expect(s).toBeDefined();
    expect(s!.traceId).toBe(r.traceId);
    expect(s!.spanId).toBe(r.spanId);
    expect(s!.parentSpanId).toBe(r.parentId);
    expect(s!.name).toBe("chat gpt-4o");
    expect(s!.kind).toBe(SpanKind.CLIENT + 1); // OTLP enum is offset by one (0 = unspecified)
    expect(s!.startTimeUnixNano).toBe(nanos(r.startTime));
    expect(s!.endTimeUnixNano).toBe(nanos(r.endTime));
    expect(s!.status).toEqual({ code: 2, message: "nope" });
    expect(s!.events).toEqual([{ name: "ev", timeUnixNano: nanos(r.events[0]!.time), attributes: { k: "v" } }]);
    expect(s!.links).toEqual([{ traceId: r.links[0]!.traceId, spanId: r.links[0]!.spanId, attributes: { lk: 1 } }]);
    expect(s!.resource.attributes).toMatchObject({ "service.name": "test", "deployment.environment.name": "dev" });
    expect(s!.scope).toMatchObject({ name: "my-scope", version: "1.2.3" });
    expect({ ...s!.attributes }).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "aws.bedrock",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.request.temperature": 0.25,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.request.stream": true,
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 7,
      "gen_ai.usage.cache_read.input_tokens": 2,
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.arguments": '{"q":1}',
      "canonspan.type": "LLM",
      "canonspan.usage.aggregate": false,
      "error.type": "_OTHER",
      "custom.extra": "kept",
    });
  });

  it("encode + writeEncoded (the processor's path) sends what write sends", async () => {
    const records = [richRecord(), ...batch(3)];
    const s = sink({ protocol, compression });
    expect(await s.write(records)).toEqual({ ok: true });
    const viaWrite = rx.accepted();
    rx.requests.length = 0;
    const encoded = records.map((r) => s.encode(r));
    expect(encoded.every((e) => e.ok)).toBe(true);
    expect(await s.writeEncoded(encoded.filter((e) => e.ok))).toEqual({ ok: true });
    expect(rx.requests).toHaveLength(1); // one request: resources and scopes shared as in write()
    expect(rx.accepted()).toEqual(viaWrite);
  });
});

describe("retries", () => {
  it("503 three times, then 200: every span arrives exactly once", async () => {
    rx.failTimes(3, 503);
    const s = sink({ protocol: "http/json" });
    const records = batch(10);
    await expect(s.write(records)).resolves.toEqual({ ok: true });
    expect(rx.requests.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    const counts = rx.acceptedCounts();
    expect(counts.size).toBe(10);
    for (const r of records) expect(counts.get(r.spanId)).toBe(1);
    expect(s.stats()).toMatchObject({ delivered: 10, requests: 4, retries: 3, dropped: {} });
  });

  it("honours Retry-After (seconds) before the next attempt", async () => {
    rx.failTimes(1, 429, { "retry-after": "1" });
    await expect(sink().write(batch(2))).resolves.toEqual({ ok: true });
    const [first, second] = rx.requests;
    // backoff alone would wait ~20 ms
    expect(second!.receivedAt - first!.answeredAt!).toBeGreaterThanOrEqual(990);
  });

  it("honours Retry-After as an HTTP-date", async () => {
    rx.script = (req) => (req.index === 0 ? { status: 503, headers: { "retry-after": new Date(Date.now() + 2000).toUTCString() } } : undefined);
    await expect(sink().write(batch(1))).resolves.toEqual({ ok: true });
    const [first, second] = rx.requests;
    // toUTCString drops milliseconds: at least one full second remains
    expect(second!.receivedAt - first!.answeredAt!).toBeGreaterThanOrEqual(990);
  });

  it("gives up when Retry-After points past the deadline, without waiting", async () => {
    rx.failTimes(5, 503, { "retry-after": "30" });
    const started = Date.now();
    const res = await sink({ timeoutMillis: 5_000 }).write(batch(3));
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(res).toMatchObject({ ok: false, dropped: 3, reason: "unavailable" });
    expect(rx.requests).toHaveLength(1);
  });

  it.each([400, 401, 403, 404, 500, 501])("HTTP %d is not retried", async (status) => {
    rx.script = () => ({ status });
    const res = await sink({ protocol: "http/json" }).write(batch(1));
    expect(res).toMatchObject({ ok: false, dropped: 1, reason: status === 400 ? "poison" : `http_${status}` });
    expect(rx.requests).toHaveLength(1);
  });

  it("connection refused is retried until the deadline, then reported", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const s = new OtlpSink({ url: `http://127.0.0.1:${port}/v1/traces`, timeoutMillis: 1_500, retry: FAST_RETRY });
    sinks.push(s);
    const started = Date.now();
    const res = await s.write(batch(2));
    expect(res).toMatchObject({ ok: false, dropped: 2, reason: "network" });
    expect(s.stats().requests).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(1_500 + 2_000);
  });

  it("a connection dropped before the answer is retried", async () => {
    rx.script = (req) => (req.index === 0 ? { destroy: true } : undefined);
    const records = batch(3);
    await expect(sink().write(records)).resolves.toEqual({ ok: true });
    expect(rx.requests).toHaveLength(2);
    expect(rx.acceptedCounts().size).toBe(3);
  });

  it("a collector that never answers: write settles by its timeout", async () => {
    rx.script = () => ({ hang: true });
    const started = Date.now();
    const res = await sink({ timeoutMillis: 600 }).write(batch(2));
    expect(res).toMatchObject({ ok: false, dropped: 2, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(600 + 2_000);
  });
});

describe("poison isolation", () => {
  it("413 for a batch holding one bad span: the rest is delivered, one dropped and counted", async () => {
    rx.refuseSpanNamed("poison", 413);
    const records = batch(64, (i) => (i === 37 ? "poison" : `ok-${i}`));
    const s = sink({ protocol: "http/json" });
    const res = await s.write(records);
    expect(res).toMatchObject({ ok: false, dropped: 1, reason: "poison" });
    const counts = rx.acceptedCounts();
    expect(counts.size).toBe(63);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(counts.has(records[37]!.spanId)).toBe(false);
    expect(rx.requests.length).toBeLessThanOrEqual(1 + 2 * Math.log2(64)); // bisection, not one per span
    expect(s.stats().dropped).toEqual({ poison: 1 });
  });

  it("isolates a poison span from encoded spans too, while more spans are encoded during the retries (their bytes wait off-heap)", async () => {
    rx.refuseSpanNamed("poison", 413);
    const records = batch(64, (i) => (i === 37 ? "poison" : `ok-${i}`));
    const s = sink({ protocol: "http/json" });
    const encoded = records.map((r) => s.encode(r)).filter((e) => e.ok);
    const first = s.writeEncoded(encoded);
    // Records encoded while the first write bisects must not overwrite its bytes.
    const later = batch(64, (i) => `later-${i}`).map((r) => s.encode(r)).filter((e) => e.ok);
    expect(await first).toMatchObject({ ok: false, dropped: 1, reason: "poison" });
    expect(await s.writeEncoded(later)).toEqual({ ok: true });
    const counts = rx.acceptedCounts();
    expect(counts.size).toBe(63 + 64);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(counts.has(records[37]!.spanId)).toBe(false);
  });

  it("400 with two poison spans over protobuf isolates both", async () => {
    rx.refuseSpanNamed("bad", 400);
    const records = batch(32, (i) => (i === 3 || i === 30 ? "bad" : `ok-${i}`));
    const res = await sink({ protocol: "http/protobuf" }).write(records);
    expect(res).toMatchObject({ ok: false, dropped: 2, reason: "poison" });
    expect(rx.acceptedCounts().size).toBe(30);
  });

  it("extra requests are bounded by maxIsolationRequests", async () => {
    rx.script = () => ({ status: 400 });
    const res = await sink({ maxIsolationRequests: 6 }).write(batch(100));
    expect(res).toMatchObject({ ok: false, dropped: 100, reason: "poison" });
    expect(rx.requests.length).toBe(1 + 6);
  });

  it("batches over maxRequestBytes are split before sending; a single oversize span is dropped", async () => {
    const small = batch(20);
    const big = toCanonicalSpan(makeSpan({ name: "big", attributes: { blob: "x".repeat(20_000) } }));
    const s = sink({ protocol: "http/json", maxRequestBytes: 8_000 });
    const res = await s.write([...small, big]);
    expect(res).toMatchObject({ ok: false, dropped: 1, reason: "oversize" });
    expect(rx.requests.length).toBeGreaterThan(1);
    expect(rx.requests.every((r) => r.bytes <= 8_000)).toBe(true);
    expect(rx.acceptedCounts().size).toBe(20);
  });
});

describe("partial success", () => {
  it("counts rejected spans without retrying", async () => {
    rx.script = () => ({ body: '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}' });
    const s = sink({ protocol: "http/json" });
    const res = await s.write(batch(5));
    expect(res).toMatchObject({ ok: false, dropped: 2, reason: "rejected" });
    expect(rx.requests).toHaveLength(1);
    expect(s.stats()).toMatchObject({ delivered: 3, dropped: { rejected: 2 } });
  });

  it("reads the protobuf partial_success too", async () => {
    const msg = Buffer.from("too old");
    const inner = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, msg.length]), msg]); // rejected_spans=1, error_message
    rx.script = () => ({ body: Buffer.concat([Buffer.from([0x0a, inner.length]), inner]) });
    const res = await sink({ protocol: "http/protobuf" }).write(batch(4));
    expect(res).toMatchObject({ ok: false, dropped: 1, reason: "rejected" });
    expect(rx.requests).toHaveLength(1);
  });

  it("a garbage success body is still a success, said in a warning that does not echo it", async () => {
    const warnings: string[] = [];
    const quiet = (): void => undefined;
    diag.setLogger({ warn: (...a: unknown[]) => warnings.push(a.map(String).join(" ")), error: quiet, info: quiet, debug: quiet, verbose: quiet }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      rx.script = () => ({ body: "<html>ok CANARY-BODY</html>" });
      await expect(sink({ protocol: "http/json" }).write(batch(2))).resolves.toEqual({ ok: true });
      expect(warnings).toEqual([expect.stringMatching(/success and a response body that could not be read \(27 bytes\); counted as delivered/)]);
      expect(warnings.join("")).not.toContain("CANARY");
    } finally {
      diag.disable();
    }
  });
});

describe("lifecycle", () => {
  it("shutdown is idempotent and later writes report 'shutdown' without a request", async () => {
    const s = sink();
    const a = s.shutdown();
    expect(s.shutdown()).toBe(a);
    await a;
    await expect(s.write(batch(3))).resolves.toMatchObject({ ok: false, dropped: 3, reason: "shutdown" });
    expect(rx.requests).toHaveLength(0);
  });

  it("shutdown during a retry wait ends the write at once", async () => {
    rx.failTimes(10, 503, { "retry-after": "20" });
    const s = sink({ timeoutMillis: 60_000 });
    const p = s.write(batch(2));
    while (rx.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await s.shutdown();
    await expect(p).resolves.toMatchObject({ ok: false, dropped: 2, reason: "shutdown" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("an empty batch sends nothing", async () => {
    await expect(sink().write([])).resolves.toEqual({ ok: true });
    expect(rx.requests).toHaveLength(0);
  });
});

describe("environment configuration", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith("OTEL_")) delete process.env[k];
    Object.assign(process.env, saved);
    resetOtlpConfigWarnings();
  });

  it("generic endpoint + /v1/traces, headers, gzip and protocol from OTEL_EXPORTER_OTLP_*", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = rx.baseUrl;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "x-team=blue%20sky,x-other=1";
    process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = "x-other=2";
    process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION = "gzip";
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
    const s = new OtlpSink({ retry: FAST_RETRY });
    sinks.push(s);
    await expect(s.write(batch(1))).resolves.toEqual({ ok: true });
    const req = rx.requests[0]!;
    expect(req.path).toBe("/v1/traces");
    expect(req.headers["x-team"]).toBe("blue sky");
    expect(req.headers["x-other"]).toBe("2");
    expect(req.gzip).toBe(true);
    expect(req.encoding).toBe("json");
  });

  it("the traces endpoint is used as-is and wins over the generic one", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:1";
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${rx.baseUrl}/custom/path`;
    process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = "http/protobuf";
    const s = new OtlpSink({ retry: FAST_RETRY });
    sinks.push(s);
    await expect(s.write(batch(1))).resolves.toEqual({ ok: true });
    expect(rx.requests[0]!.path).toBe("/custom/path");
    expect(rx.requests[0]!.encoding).toBe("protobuf");
  });

  it("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT bounds a write", async () => {
    process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT = "400";
    rx.script = () => ({ hang: true });
    const s = new OtlpSink({ url: rx.url });
    sinks.push(s);
    const started = Date.now();
    await expect(s.write(batch(1))).resolves.toMatchObject({ ok: false, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(400 + 2_000);
  });
});
