import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import {
  DEFAULT_OTLP_TRACES_URL,
  parseHeaderList,
  redactUrl,
  resetOtlpConfigWarnings,
  resolveOtlpConfig,
  scrub,
  secretsOf,
} from "../../src/sinks/otlp-config";

/** Records every diag line at ALL level. */
function recordDiag(): { lines: string[]; warnings: () => string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, ...args: unknown[]) => lines.push(`${level} ${msg} ${args.map((a) => String(a)).join(" ")}`);
  const logger: DiagLogger = { error: rec("error"), warn: rec("warn"), info: rec("info"), debug: rec("debug"), verbose: rec("verbose") };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return { lines, warnings: () => lines.filter((l) => l.startsWith("warn")) };
}

beforeEach(() => resetOtlpConfigWarnings());
afterEach(() => diag.disable());

describe("endpoint", () => {
  it.each([
    [{}, DEFAULT_OTLP_TRACES_URL],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318" }, "http://h:4318/v1/traces"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://h:4318/" }, "http://h:4318/v1/traces"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "https://h/mycollector/" }, "https://h/mycollector/v1/traces"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:1234/custom" }, "http://t:1234/custom"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:1234" }, "http://t:1234/"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t/x", OTEL_EXPORTER_OTLP_ENDPOINT: "http://g" }, "http://t/x"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "  ", OTEL_EXPORTER_OTLP_ENDPOINT: "http://g" }, "http://g/v1/traces"],
  ])("%j → %s", (env, url) => {
    expect(resolveOtlpConfig({}, env).url).toBe(url);
  });

  it("options win over the environment", () => {
    expect(resolveOtlpConfig({ url: "http://o/v1/traces" }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t/x" }).url).toBe("http://o/v1/traces");
  });

  it("an invalid env endpoint warns once, without credentials, and falls back", () => {
    const d = recordDiag();
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://user:s3cretpass@h/x", OTEL_EXPORTER_OTLP_ENDPOINT: "http://g" };
    expect(resolveOtlpConfig({}, env).url).toBe("http://g/v1/traces");
    resolveOtlpConfig({}, env);
    expect(d.warnings()).toHaveLength(1);
    expect(d.warnings()[0]).toContain("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is invalid");
    expect(d.lines.join("\n")).not.toContain("s3cretpass");
  });
});

describe("headers", () => {
  it("URL-decodes k=v pairs; signal-specific overrides generic; options override both", () => {
    const c = resolveOtlpConfig(
      { headers: { "X-Opt": "o", a: "from-options" } },
      { OTEL_EXPORTER_OTLP_HEADERS: "a=1, b = two%20words ,c=c", OTEL_EXPORTER_OTLP_TRACES_HEADERS: "c=specific" },
    );
    expect(c.headers).toEqual({ a: "from-options", b: "two words", c: "specific", "x-opt": "o" });
  });

  it("skips malformed or unsafe entries with a warning that never shows the value", () => {
    const d = recordDiag();
    const h = parseHeaderList("good=1,novalue,=x,bad%zz=1,inj=a%0D%0AInjected: SECRETVALUE,ok=2", "OTEL_EXPORTER_OTLP_HEADERS");
    expect(h).toEqual({ good: "1", ok: "2" });
    expect(d.warnings()).toHaveLength(4);
    expect(d.lines.join("\n")).not.toContain("SECRETVALUE");
    expect(d.warnings()[0]).toContain("position 2");
  });

  it("invalid header options throw at construction, without the value", () => {
    expect(() => resolveOtlpConfig({ headers: { a: "x\r\nInjected: TOPSECRET" } }, {})).toThrow(/header "a" has an invalid name or value/);
    try {
      resolveOtlpConfig({ headers: { a: "x\r\nTOPSECRET" } }, {});
    } catch (e) {
      expect(String(e)).not.toContain("TOPSECRET");
    }
  });
});

describe("timeout, compression, protocol", () => {
  it("reads them case-insensitively, specific over generic", () => {
    const c = resolveOtlpConfig({}, {
      OTEL_EXPORTER_OTLP_TIMEOUT: "5000",
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "2500",
      OTEL_EXPORTER_OTLP_COMPRESSION: "none",
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "GZIP",
      OTEL_EXPORTER_OTLP_PROTOCOL: "HTTP/PROTOBUF",
    });
    expect([c.timeoutMillis, c.compression, c.protocol]).toEqual([2500, "gzip", "http/protobuf"]);
  });

  it("defaults: 10 s, no compression, http/json", () => {
    const c = resolveOtlpConfig({}, {});
    expect([c.timeoutMillis, c.compression, c.protocol]).toEqual([10000, "none", "http/json"]);
  });

  it("timeout 0 means no limit", () => {
    expect(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: "0" }).timeoutMillis).toBe(Infinity);
    expect(resolveOtlpConfig({ timeoutMillis: 0 }, {}).timeoutMillis).toBe(Infinity);
  });

  it.each([
    ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "abc", "timeoutMillis", 10000],
    ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "-5", "timeoutMillis", 10000],
    ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "br", "compression", "none"],
    ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc", "protocol", "http/json"],
    ["OTEL_EXPORTER_OTLP_PROTOCOL", "thrift", "protocol", "http/json"],
  ] as const)("%s=%s warns once and falls back", (name, value, field, expected) => {
    const d = recordDiag();
    expect(resolveOtlpConfig({}, { [name]: value })[field]).toBe(expected);
    resolveOtlpConfig({}, { [name]: value });
    expect(d.warnings()).toHaveLength(1);
    expect(d.warnings()[0]).toContain(`${name} `);
  });

  it("an invalid specific value falls back to a valid generic one", () => {
    recordDiag();
    const c = resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "x", OTEL_EXPORTER_OTLP_TIMEOUT: "700" });
    expect(c.timeoutMillis).toBe(700);
  });

  it("invalid options throw", () => {
    expect(() => resolveOtlpConfig({ timeoutMillis: -1 }, {})).toThrow(TypeError);
    expect(() => resolveOtlpConfig({ compression: "br" as never }, {})).toThrow(TypeError);
    expect(() => resolveOtlpConfig({ protocol: "grpc" as never }, {})).toThrow(TypeError);
    expect(() => resolveOtlpConfig({ url: "not a url" }, {})).toThrow(TypeError);
  });
});

describe("secrets", () => {
  it("redactUrl drops credentials and query", () => {
    expect(redactUrl("https://u:p@h:1/x?token=abc")).toBe("https://h:1/x");
  });

  it("scrub removes every header value, bearer tokens and their URL-encoded forms", () => {
    const secrets = secretsOf({ url: "http://h/v1/traces", headers: { authorization: "Bearer tok-123456789", "x-key": "k/+=9999" } });
    const text = "a Bearer tok-123456789 b tok-123456789 c k/+=9999 d k%2F%2B%3D9999";
    const out = scrub(text, secrets);
    expect(out).not.toMatch(/tok-123456789|k\/\+=9999|k%2F%2B%3D9999/);
    expect(out).toContain("[REDACTED]");
  });
});
