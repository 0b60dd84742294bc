import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import {
  getProcessorDefaults,
  getProcessorSettingsFromEnv,
  resetEnvWarnings,
  resolveSettings,
} from "../../src/processor/options";

let warnings: string[];
beforeEach(() => {
  warnings = [];
  resetEnvWarnings();
  diag.setLogger({ warn: (...a: unknown[]) => warnings.push(a.join(" ")), error() {}, info() {}, debug() {}, verbose() {} } as DiagLogger, {
    logLevel: DiagLogLevel.WARN,
    suppressOverrideMessage: true,
  });
});
afterEach(() => diag.disable());

describe("processor options", () => {
  it("has documented defaults, as a fresh object each time", () => {
    const d = getProcessorDefaults();
    expect(d).toEqual({
      scheduledDelayMillis: 5000,
      exportTimeoutMillis: 30000,
      maxQueueSize: 32768,
      maxExportBatchSize: 512,
      maxQueueBytes: 64 * 1024 * 1024,
      shutdownTimeoutMillis: 5000,
      forceFlushTimeoutMillis: 30000,
    });
    d.maxQueueSize = 1;
    expect(getProcessorDefaults().maxQueueSize).toBe(32768);
  });

  it("reads the OTEL_BSP_* variables", () => {
    const env = {
      OTEL_BSP_SCHEDULE_DELAY: "250",
      OTEL_BSP_EXPORT_TIMEOUT: " 1000 ",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "1e1",
    };
    expect(getProcessorSettingsFromEnv(env)).toEqual({
      scheduledDelayMillis: 250,
      exportTimeoutMillis: 1000,
      maxQueueSize: 100,
      maxExportBatchSize: 10,
    });
    expect(warnings).toEqual([]);
  });

  it("treats blank values as unset, without warning", () => {
    expect(getProcessorSettingsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: "", OTEL_BSP_MAX_QUEUE_SIZE: "  " })).toEqual({});
    expect(warnings).toEqual([]);
  });

  it("keeps an export timeout of 0 (no limit) and a schedule delay of 0", () => {
    expect(getProcessorSettingsFromEnv({ OTEL_BSP_EXPORT_TIMEOUT: "0", OTEL_BSP_SCHEDULE_DELAY: "0" })).toEqual({
      exportTimeoutMillis: 0,
      scheduledDelayMillis: 0,
    });
  });

  it.each([
    ["OTEL_BSP_SCHEDULE_DELAY", "abc"],
    ["OTEL_BSP_SCHEDULE_DELAY", "-5"],
    ["OTEL_BSP_EXPORT_TIMEOUT", "10s"],
    ["OTEL_BSP_EXPORT_TIMEOUT", "-1"],
    ["OTEL_BSP_MAX_QUEUE_SIZE", "0"],
    ["OTEL_BSP_MAX_QUEUE_SIZE", "12.5"],
    ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "-3"],
    ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "ten"],
  ])("%s=%j warns once and falls back to the default", (name, value) => {
    const env = { [name]: value };
    expect(getProcessorSettingsFromEnv(env)).toEqual({});
    getProcessorSettingsFromEnv(env);
    resolveSettings({}, env);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`Configuration: ${name} is invalid`);
    expect(resolveSettings({}, env)).toEqual(getProcessorDefaults());
  });

  it("code options win over the environment, which wins over defaults", () => {
    const env = { OTEL_BSP_MAX_QUEUE_SIZE: "100", OTEL_BSP_SCHEDULE_DELAY: "250" };
    const s = resolveSettings({ maxQueueSize: 50 }, env);
    expect(s.maxQueueSize).toBe(50);
    expect(s.scheduledDelayMillis).toBe(250);
    expect(s.exportTimeoutMillis).toBe(30000);
  });

  it("clamps the batch size to the queue size, with a warning", () => {
    const s = resolveSettings({}, { OTEL_BSP_MAX_QUEUE_SIZE: "100", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "500" });
    expect(s.maxExportBatchSize).toBe(100);
    expect(warnings.some((w) => w.includes("maxExportBatchSize (500) must be <= maxQueueSize (100)"))).toBe(true);
  });

  it("throws on invalid options passed in code", () => {
    expect(() => resolveSettings({ exportTimeoutMillis: -1 }, {})).toThrow(/exportTimeoutMillis/);
    expect(() => resolveSettings({ maxQueueSize: 0 }, {})).toThrow(/maxQueueSize/);
    expect(() => resolveSettings({ maxQueueBytes: Number.NaN }, {})).toThrow(/maxQueueBytes/);
    expect(() => resolveSettings({ scheduledDelayMillis: "5" }, {})).toThrow(/scheduledDelayMillis/);
  });

  it("reads process.env when no env is passed, at call time", () => {
    process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE = "7";
    try {
      expect(resolveSettings({}).maxExportBatchSize).toBe(7);
    } finally {
      delete process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE;
    }
    expect(resolveSettings({}).maxExportBatchSize).toBe(512);
  });
});
