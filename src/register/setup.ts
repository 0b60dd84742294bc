/**
 * `register()`: the one-call setup behind `canonspan/register` (SPEC.md §2). Starts a tracer
 * provider with `CanonicalSpanProcessor`, its log-record companion (so the official GenAI
 * instrumentation's message events reach the records), and the instrumentations the
 * application has installed; configured from options, else from the environment.
 */
import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { parseSinksEnv, type SinkSpec } from "../config/sinks-env";
// The library itself comes through the package's main entry: the build keeps this import
// external (tsup.config.ts), so an app that also imports `canonspan` shares one copy of it
// (one processor class, one set of exit hooks) instead of loading a second one.
import { CanonicalLogRecordProcessor, CanonicalSpanProcessor, ConsoleSink, FileSink, OtlpSink } from "../index";
import type { CanonicalSpanProcessorOptions, SpanSink } from "../index";
import { findInstrumentations } from "./instrumentations";

export interface RegisterOptions extends Partial<Omit<CanonicalSpanProcessorOptions, "sinks" | "logRecords">> {
  /**
   * Where records go: sink objects, or `CANONSPAN_SINKS`-style strings (`console`,
   * `console:json`, `console:tree`, `file:<path>`, `otlp`, `otlp:<url>`).
   * @default from `CANONSPAN_SINKS`, else `console` (to stderr)
   */
  sinks?: ReadonlyArray<SpanSink | string>;
  /** Enable the installed auto-instrumentations and GenAI instrumentations. @default true */
  instrumentations?: boolean;
  /** Service name. @default `OTEL_SERVICE_NAME`, else the SDK default */
  serviceName?: string;
}

/** What `register()` started; `shutdown()` flushes everything and stops it. */
export interface RegisterHandle {
  readonly provider: NodeTracerProvider | undefined;
  readonly processor: CanonicalSpanProcessor | undefined;
  /** Instrumentation packages that were enabled. */
  readonly instrumentations: readonly string[];
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Builds the sinks of `CANONSPAN_SINKS`-style specs. Console output goes to stderr, away from the app's stdout. */
export function sinksFromSpecs(specs: readonly SinkSpec[]): SpanSink[] {
  return specs.map((s) => {
    switch (s.kind) {
      case "console":
        return new ConsoleSink({ style: s.style ?? (process.stderr.isTTY ? "tree" : "json"), stream: process.stderr });
      case "file":
        return new FileSink({ path: s.path });
      case "otlp":
        return new OtlpSink(s.url ? { url: s.url } : {});
    }
  });
}

function isDisabled(): boolean {
  return (process.env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() === "true";
}

function diagLevel(): DiagLogLevel {
  const v = (process.env.OTEL_LOG_LEVEL ?? "").trim().toUpperCase();
  const level = (DiagLogLevel as unknown as Record<string, DiagLogLevel>)[v];
  return typeof level === "number" ? level : DiagLogLevel.WARN;
}

const NOOP: RegisterHandle = {
  provider: undefined,
  processor: undefined,
  instrumentations: [],
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Starts tracing through canonspan. With `OTEL_SDK_DISABLED=true` it does nothing and returns a
 * no-op handle. Call it once, before the instrumented libraries are loaded.
 *
 * @example
 * const handle = register({ sinks: ["file:spans.jsonl"] });
 * // … run the app …
 * await handle.shutdown();
 */
export function register(options: RegisterOptions = {}): RegisterHandle {
  if (isDisabled()) return NOOP;
  diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLevel(), suppressOverrideMessage: true });
  const { sinks: sinkOption, instrumentations: withInstrumentations = true, serviceName, ...processorOptions } = options;
  const sinks =
    sinkOption === undefined
      ? sinksFromSpecs(parseSinksEnv(process.env.CANONSPAN_SINKS))
      : sinkOption.flatMap((s) => (typeof s === "string" ? sinksFromSpecs(parseSinksEnv(s)) : [s]));

  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, over the SDK defaults; an explicit name wins.
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  if (serviceName) resource = resource.merge(resourceFromAttributes({ "service.name": serviceName }));

  const logRecords = new CanonicalLogRecordProcessor();
  const processor = new CanonicalSpanProcessor({ ...processorOptions, sinks, logRecords });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const loggerProvider = new LoggerProvider({ resource, processors: [logRecords] });
  logs.setGlobalLoggerProvider(loggerProvider);

  const found = withInstrumentations ? findInstrumentations() : { instrumentations: [], names: [] };
  const unregister =
    found.instrumentations.length > 0
      ? registerInstrumentations({ instrumentations: found.instrumentations as never, tracerProvider: provider, loggerProvider })
      : () => undefined;

  let stopped: Promise<void> | undefined;
  return {
    provider,
    processor,
    instrumentations: found.names,
    forceFlush: () => provider.forceFlush().catch(() => undefined),
    shutdown: () =>
      (stopped ??= (async () => {
        unregister();
        await provider.shutdown().catch(() => undefined);
        await loggerProvider.shutdown().catch(() => undefined);
        // Release every global register() set, so a later setup starts clean.
        trace.disable();
        context.disable();
        propagation.disable();
        logs.disable();
      })()),
  };
}
