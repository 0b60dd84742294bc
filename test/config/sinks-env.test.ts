import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { parseSinksEnv } from "../../src/config/sinks-env";

function recordingLogger(): { logger: DiagLogger; warnings: string[] } {
  const warnings: string[] = [];
  const noop = (): void => undefined;
  return { warnings, logger: { error: noop, warn: (...args: unknown[]) => void warnings.push(args.join(" ")), info: noop, debug: noop, verbose: noop } };
}

describe("CANONSPAN_SINKS", () => {
  afterEach(() => diag.disable());

  it("defaults to the console when unset or blank", () => {
    expect(parseSinksEnv(undefined)).toEqual([{ kind: "console" }]);
    expect(parseSinksEnv("  ")).toEqual([{ kind: "console" }]);
  });

  it("parses every documented entry", () => {
    expect(parseSinksEnv("console, console:json,console:tree,file:/tmp/a b.jsonl,otlp,otlp:https://collector:4318/v1/traces")).toEqual([
      { kind: "console" },
      { kind: "console", style: "json" },
      { kind: "console", style: "tree" },
      { kind: "file", path: "/tmp/a b.jsonl" },
      { kind: "otlp" },
      { kind: "otlp", url: "https://collector:4318/v1/traces" },
    ]);
  });

  it("warns about an invalid entry, skips it, and falls back to the default when nothing is valid", () => {
    const { logger, warnings } = recordingLogger();
    diag.setLogger(logger, DiagLogLevel.WARN);
    expect(parseSinksEnv("file:x.jsonl,bogus")).toEqual([{ kind: "file", path: "x.jsonl" }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('CANONSPAN_SINKS entry is invalid');
    expect(warnings[0]).toContain('"bogus"');
    expect(parseSinksEnv("file:,otlp:ftp://x,console:fancy")).toEqual([{ kind: "console" }]);
    expect(warnings).toHaveLength(4);
  });
});
