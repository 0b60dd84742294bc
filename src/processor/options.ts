/**
 * Options of `CanonicalSpanProcessor` / `CanonicalSpanExporter`, their defaults, and the
 * `OTEL_BSP_*` environment layer. Precedence: options passed in code > environment > defaults.
 * Bad values passed in code throw at construction; bad environment values only warn (once) and
 * fall back (RELIABILITY.md §1.6).
 */
import type { SpanEventLike } from "../read/span-input";
import type { SpanSink } from "../sinks/sink";
import { logger } from "../internal/diag";
import type { SpanFilter } from "./filter";
import type { MaskFn } from "./redact";

/** The log-record companion's side the processor uses: GenAI events logged for a span. */
export interface LogEventSource {
  /** Removes and returns the events logged for `spanId` (empty when none). */
  take(spanId: string): readonly SpanEventLike[];
}

/** Options shared by the processor and the exporter: what a record becomes and where it goes. */
export interface CanonicalPipelineOptions {
  /** Where records go. Every sink receives every record; at most one `write` is in flight per sink. */
  sinks: readonly SpanSink[];
  /**
   * Longest string kept in a record, in UTF-16 code units (see `toCanonicalSpan`).
   * @default 65536
   */
  maxStringLength?: number;
  /**
   * Most UTF-16 units of string content in one record: past it, the longest strings are cut to
   * a common length (see `toCanonicalSpan`).
   * @default 1048576
   */
  maxRecordLength?: number;
  /**
   * Keeps only the spans for which it returns `true`; `"genai"` is the `GENAI_ONLY` preset. Kept
   * spans whose parent was filtered out are re-parented to their nearest kept ancestor; the
   * original parent id stays in `extras["canonspan.original_parent_id"]`. Filtered spans are
   * counted as `filtered`. A filter that throws keeps the span.
   * @default undefined (keep every span)
   */
  filter?: SpanFilter | "genai";
  /**
   * Redact secrets (authorization headers, API keys, credentials in URLs) everywhere in a record.
   * @default true
   */
  redact?: boolean;
  /**
   * Keep message and input/output content. `false` drops it from every record.
   * @default true
   */
  captureContent?: boolean;
  /** A user callback that sees every content-bearing field after normalization; fails closed. */
  mask?: MaskFn;
  /**
   * Budget of one synchronous `mask` call, in ms; an over-budget call fails closed.
   * @default 50
   */
  maskTimeoutMs?: number;
  /** The `CanonicalLogRecordProcessor` companion whose GenAI log events are merged into records. */
  logRecords?: LogEventSource;
  /**
   * Fallback Agent Lightning rollout id, used when neither `withRollout()`, span attributes nor
   * resource attributes give one (SPEC.md §4).
   */
  rolloutId?: string;
  /** Fallback Agent Lightning attempt id (same precedence as `rolloutId`). */
  attemptId?: string;
  /**
   * Longest time one sink `write` (and one sink `forceFlush`) may take. A write still pending
   * then is abandoned and its records are counted as `sink_timeout:<name>`. `0` means no limit.
   * Env: `OTEL_BSP_EXPORT_TIMEOUT`.
   * @default 30000
   */
  exportTimeoutMillis?: number;
  /**
   * Most records handed to one sink `write`. Env: `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`. Clamped to
   * `maxQueueSize`.
   * @default 512
   */
  maxExportBatchSize?: number;
  /**
   * Most spans waiting for conversion, and most records waiting for each sink. When full, the
   * newest span (record) is dropped and counted (`queue_full_count`, `sink_backlog_full:<name>`).
   * Env: `OTEL_BSP_MAX_QUEUE_SIZE`.
   * @default 32768
   */
  maxQueueSize?: number;
  /**
   * Most estimated bytes waiting for conversion, and waiting for each sink. When full, the newest
   * span is dropped and counted (`queue_full_bytes`, `sink_backlog_full:<name>`).
   * @default 67108864 (64 MiB)
   */
  maxQueueBytes?: number;
  /**
   * Longest time `shutdown()` takes: it flushes, shuts the sinks down, and resolves by then even
   * when a sink hangs (what is still pending is counted as `shutdown_timeout`).
   * @default 5000
   */
  shutdownTimeoutMillis?: number;
  /**
   * Longest time `forceFlush()` takes; it resolves (never rejects) by then, and delivery goes on.
   * `0` means no limit.
   * @default 30000
   */
  forceFlushTimeoutMillis?: number;
  /**
   * Install process exit hooks: flush on `beforeExit`, and on `exit` write what is still queued
   * synchronously to the sinks that implement `writeSync` (the file sink).
   * @default true
   */
  exitHooks?: boolean;
}

/** Options of `CanonicalSpanProcessor`. */
export interface CanonicalSpanProcessorOptions extends CanonicalPipelineOptions {
  /**
   * How long a sink's partial batch (fewer than `maxExportBatchSize` records) waits before it
   * is written, in ms; a full batch is written at once. Spans are converted at the next
   * event-loop turn whatever the batch size, so a span never waits for a batch to fill (a span
   * that outlives two young-generation GCs costs the app two copies). Env: `OTEL_BSP_SCHEDULE_DELAY`.
   * @default 5000
   */
  scheduledDelayMillis?: number;
  /**
   * Opt-in SIGTERM/SIGINT handlers that shut the processor down (bounded by
   * `shutdownTimeoutMillis`) and then let the signal end the process as it would have without
   * them (the signal is re-raised when no other listener handles it). Off by default because a
   * library must not change how a process reacts to signals.
   * @default false
   */
  handleSignals?: boolean;
  /**
   * Build and deliver records in a worker thread: the app thread then only snapshots finished
   * spans and posts them (conversion, redaction, serialization and sink I/O leave it).
   *
   * - `"auto"` (the default): in-thread at first; once the app ends 1,000 spans within a second,
   *   the worker starts and takes over for good (the in-thread sinks write what they hold first,
   *   and `sequenceId` numbering goes on unbroken). Only when every sink is a `FileSink` or an
   *   `OtlpSink`, no `mask` is set and the machine has 2 cores or more; otherwise in-thread,
   *   without a warning. `stats().offload.state` is `standby` until the move.
   * - `true`: the worker starts with the processor, for any offloadable sinks (below).
   * - `false`: always in-thread.
   *
   * Unset, `CANONSPAN_OFFLOAD` (`auto`, `true`, `false`) decides, for `canonspan/register` too.
   *
   * Spans are handed to the worker at every event-loop turn; the worker batches sink writes as
   * the in-thread processor does (`maxExportBatchSize`, `scheduledDelayMillis`), and spans it has
   * not converted yet are bounded like the queue (`maxQueueSize`, `maxQueueBytes`). On Linux the
   * worker thread runs at a lower priority (nice +10), so the app's threads win the CPU. When the
   * app ends spans faster than the worker converts them, the app thread waits for the worker (at
   * most 50 ms per export chunk) rather than dropping spans; on machines with 3 cores or more it
   * first converts the overflow itself (`stats().offload.convertedHere`; measured on 2 cores,
   * waiting cost the app less than sharing). `CANONSPAN_OFFLOAD_SHARE=1` or `=0` decides instead.
   *
   * Costs one worker thread per processor (about 20 MB of resident memory when idle, measured on
   * Node 20). Requires every sink to be offloadable — `FileSink`, `OtlpSink`, and `ConsoleSink`
   * on `process.stdout`/`process.stderr` (see `SpanSink.workerSpec`) — and no `mask` (a
   * function cannot cross threads); `filter`, `logRecords` and `withRollout()` ids still work
   * (they are evaluated on the app thread). Otherwise, or when canonspan runs from its TypeScript sources (no built worker file), the
   * processor warns once through `diag` and runs in-thread as without this option. If the worker
   * fails, the processor warns, counts the records the worker held as `worker_lost` and goes on
   * in-thread. `exit` safety is kept: at `process.exit()` the app thread waits (at most 2 s) for
   * the worker to write what it was sent, then writes what is still queued itself.
   * @default "auto"
   */
  offload?: boolean | "auto";
}

/** The numeric settings after defaults and environment are applied. */
export interface ProcessorSettings {
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
  maxQueueBytes: number;
  shutdownTimeoutMillis: number;
  forceFlushTimeoutMillis: number;
}

/**
 * The defaults, as a fresh object. A function rather than a constant so tests and late env
 * changes are honoured (OTel `sdk-trace-base/src/config.ts` does the same).
 */
export function getProcessorDefaults(): ProcessorSettings {
  return {
    scheduledDelayMillis: 5000,
    exportTimeoutMillis: 30000,
    // Larger than the BSP's 2048: we never export synchronously inside onEnd, so a synchronous
    // burst must fit before the first export tick; memory is bounded by maxQueueBytes.
    maxQueueSize: 32768,
    maxExportBatchSize: 512,
    maxQueueBytes: 64 * 1024 * 1024,
    shutdownTimeoutMillis: 5000,
    forceFlushTimeoutMillis: 30000,
  };
}

const log = logger("options");
const warned = new Set<string>();

function warnOnce(name: string, raw: string, expected: string): void {
  const key = `${name}=${raw}`;
  if (warned.has(key)) return;
  if (warned.size < 256) warned.add(key);
  log.warn(`Configuration: ${name} is invalid, expected ${expected}, using the default (actual: ${JSON.stringify(raw.slice(0, 64))})`);
}

type EnvKind = "duration" | "timeout" | "positive";

/** One numeric variable: blank → unset; invalid → warn once, unset; `undefined` means "use the default". */
function readNumber(env: NodeJS.ProcessEnv, name: string, kind: EnvKind): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const text = raw.trim();
  const n = Number(text); // as OTel JS getNumberFromEnv: "1e3" is 1000, "10s" is invalid
  const expected = kind === "positive" ? "a positive integer" : "a non-negative number of milliseconds";
  if (!Number.isFinite(n)) return warnOnce(name, raw, expected), undefined;
  if (kind === "positive") {
    if (!Number.isInteger(n) || n <= 0) return warnOnce(name, raw, expected), undefined;
    return n;
  }
  if (n < 0) return warnOnce(name, raw, expected), undefined;
  return n;
}

/** The `OTEL_BSP_*` settings present and valid in `env` (read when called, never at module load). */
export function getProcessorSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ProcessorSettings> {
  const out: Partial<ProcessorSettings> = {};
  const delay = readNumber(env, "OTEL_BSP_SCHEDULE_DELAY", "duration");
  if (delay !== undefined) out.scheduledDelayMillis = delay;
  // "Implementations SHOULD interpret timeout zero values as no limit": 0 is kept and means none.
  const timeout = readNumber(env, "OTEL_BSP_EXPORT_TIMEOUT", "timeout");
  if (timeout !== undefined) out.exportTimeoutMillis = timeout;
  const queue = readNumber(env, "OTEL_BSP_MAX_QUEUE_SIZE", "positive");
  if (queue !== undefined) out.maxQueueSize = queue;
  const batch = readNumber(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "positive");
  if (batch !== undefined) out.maxExportBatchSize = batch;
  return out;
}

/**
 * The `offload` mode: the option when given (anything but `true`, `false` or `"auto"` throws),
 * else `CANONSPAN_OFFLOAD` (`auto`, `true`/`1`, `false`/`0`; anything else warns once), else `"auto"`.
 */
export function resolveOffload(value: unknown, env: NodeJS.ProcessEnv = process.env): boolean | "auto" {
  if (value === true || value === false || value === "auto") return value;
  if (value !== undefined) throw new TypeError(`canonspan: option offload must be true, false or "auto" (got ${String(value)})`);
  const raw = env.CANONSPAN_OFFLOAD;
  const text = raw?.trim().toLowerCase() ?? "";
  if (text === "" || text === "auto") return "auto";
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  warnOnce("CANONSPAN_OFFLOAD", raw!, "auto, true or false");
  return "auto";
}

/** The conversion options of the pipeline options, checked (throws at construction on invalid values). */
export function convertOptionsOf(opts: Pick<CanonicalPipelineOptions, "maxStringLength" | "maxRecordLength">): { maxStringLength?: number; maxRecordLength?: number } {
  const out: { maxStringLength?: number; maxRecordLength?: number } = {};
  const maxString = checkNumber("maxStringLength", opts.maxStringLength, true);
  const maxRecord = checkNumber("maxRecordLength", opts.maxRecordLength, true);
  if (maxString !== undefined) out.maxStringLength = maxString;
  if (maxRecord !== undefined) out.maxRecordLength = maxRecord;
  return out;
}

function checkNumber(name: string, v: unknown, positiveInt: boolean): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (positiveInt && (!Number.isInteger(v) || v <= 0))) {
    throw new TypeError(`canonspan: option ${name} must be ${positiveInt ? "a positive integer" : "a non-negative finite number"} (got ${String(v)})`);
  }
  return v;
}

/**
 * Code options > environment > defaults. Throws (at construction) on invalid code options.
 * `maxExportBatchSize` larger than `maxQueueSize` is clamped with a warning, as the BSP does.
 */
export function resolveSettings(
  opts: Partial<Record<keyof ProcessorSettings, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): ProcessorSettings {
  const fromEnv = getProcessorSettingsFromEnv(env);
  const defaults = getProcessorDefaults();
  const pick = (k: keyof ProcessorSettings, positiveInt: boolean): number =>
    checkNumber(k, opts[k], positiveInt) ?? fromEnv[k] ?? defaults[k];
  const s: ProcessorSettings = {
    scheduledDelayMillis: pick("scheduledDelayMillis", false),
    exportTimeoutMillis: pick("exportTimeoutMillis", false),
    maxQueueSize: pick("maxQueueSize", true),
    maxExportBatchSize: pick("maxExportBatchSize", true),
    maxQueueBytes: pick("maxQueueBytes", true),
    shutdownTimeoutMillis: pick("shutdownTimeoutMillis", false),
    forceFlushTimeoutMillis: pick("forceFlushTimeoutMillis", false),
  };
  if (s.maxExportBatchSize > s.maxQueueSize) {
    log.warn(`maxExportBatchSize (${s.maxExportBatchSize}) must be <= maxQueueSize (${s.maxQueueSize}); using ${s.maxQueueSize}`);
    s.maxExportBatchSize = s.maxQueueSize;
  }
  return s;
}

/** Checks the sink list at construction (fail loudly there, never later). */
export function checkSinks(sinks: unknown): readonly SpanSink[] {
  if (!Array.isArray(sinks)) throw new TypeError("canonspan: option sinks must be an array of SpanSink");
  for (const s of sinks as unknown[]) {
    const sink = s as Partial<SpanSink> | null;
    if (!sink || typeof sink.write !== "function" || typeof sink.shutdown !== "function") {
      throw new TypeError("canonspan: every sink must implement write() and shutdown()");
    }
  }
  return sinks as readonly SpanSink[];
}

/** For tests: forget which invalid environment values were already warned about. */
export function resetEnvWarnings(): void {
  warned.clear();
}
