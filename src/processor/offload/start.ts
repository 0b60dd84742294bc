/**
 * Whether a processor's work can run in a worker, and starting it. Anything that cannot cross to
 * a worker — a sink without `workerSpec()`, a `mask` function, canonspan running from its
 * TypeScript sources (no built worker file) — keeps the processor in-thread: with one diag
 * warning for `offload: true`, silently for the `"auto"` default.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { dirname, extname, join } from "node:path";
import { logger } from "../../internal/diag";
import type { SinkWorkerSpec } from "../../sinks/sink";
import type { CanonicalSpanProcessorOptions, ProcessorSettings } from "../options";
import type { RecordPipeline } from "../pipeline";
import { OffloadHost } from "./host";
import type { WorkerInit, WorkerPipelineOptions } from "./protocol";
import { AutoOffload } from "./auto";
import { errorText } from "../../internal/errors";

const KINDS: ReadonlySet<string> = new Set(["file", "otlp", "console"]);
const log = logger("processor");

/** The built worker entry next to the running bundle (`dist/worker.cjs` or `.mjs`), if there is one. */
export function workerEntry(): string | undefined {
  // tsup's shims give both builds a `__filename`; from the TypeScript sources it names a .ts file.
  const here = typeof __filename === "string" ? __filename : "";
  const ext = extname(here);
  if (ext !== ".cjs" && ext !== ".mjs") return undefined;
  const file = join(dirname(here), `worker${ext}`);
  return existsSync(file) ? file : undefined;
}

/** The specs of every sink, or why one of them cannot run in a worker (its kind not in `kinds`). */
function specsOf(pipeline: RecordPipeline, kinds: ReadonlySet<string>): SinkWorkerSpec[] | string {
  const specs: SinkWorkerSpec[] = [];
  for (const lane of pipeline.lanes) {
    const sink = lane.sink;
    let spec: SinkWorkerSpec | undefined;
    try {
      spec = typeof sink.workerSpec === "function" ? sink.workerSpec() : undefined;
    } catch (e) {
      return `sink "${lane.name}" failed to describe itself for the worker (${errorText(e)})`;
    }
    if (!spec || typeof spec !== "object" || !kinds.has(spec.kind)) return `sink "${lane.name}" cannot run in a worker thread`;
    specs.push({ kind: spec.kind, options: spec.options });
  }
  return specs;
}

/**
 * Whether the app thread converts a share of the spans when the worker falls behind, or waits
 * for it. In theory a share always wins (two converters instead of one), but only while the
 * worker, the garbage collector's helper threads and the I/O threads have cores of their own.
 * Measured on 2 vCPUs (the PERFORMANCE.md workload at saturation), waiting cost the app thread
 * 16 µs per span and sharing 19: so the share is on from 3 cores up.
 * `CANONSPAN_OFFLOAD_SHARE=1` or `=0` decides instead.
 */
export function sharesWhenBehind(env: NodeJS.ProcessEnv = process.env, cores = availableCores()): boolean {
  const forced = env.CANONSPAN_OFFLOAD_SHARE?.trim();
  if (forced === "1" || forced === "true") return true;
  if (forced === "0" || forced === "false") return false;
  return cores >= 3;
}

function availableCores(): number {
  try {
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  } catch {
    return 1;
  }
}

/** What a worker needs to build a processor's records, or why it cannot (a sentence). */
interface WorkerPlan {
  entry: string;
  init: Omit<WorkerInit, "shared" | "exitPort" | "batchPort">;
}

function planFor(options: CanonicalSpanProcessorOptions, settings: ProcessorSettings, pipeline: RecordPipeline, kinds: ReadonlySet<string>): WorkerPlan | string {
  const specs = specsOf(pipeline, kinds);
  if (typeof specs === "string") return specs;
  if (options.mask !== undefined) return "the mask option is a function, which cannot run in a worker thread";
  const entry = workerEntry();
  if (!entry) return "the worker entry is not built (canonspan runs from its TypeScript sources)";
  const opts: WorkerPipelineOptions = {};
  if (options.maxStringLength !== undefined) opts.maxStringLength = options.maxStringLength;
  if (options.maxRecordLength !== undefined) opts.maxRecordLength = options.maxRecordLength;
  if (options.redact !== undefined) opts.redact = options.redact;
  if (options.captureContent !== undefined) opts.captureContent = options.captureContent;
  if (options.maskTimeoutMs !== undefined) opts.maskTimeoutMs = options.maskTimeoutMs;
  if (options.rolloutId !== undefined) opts.rolloutId = options.rolloutId;
  if (options.attemptId !== undefined) opts.attemptId = options.attemptId;
  return { entry, init: { sinks: specs, pipeline: opts, settings } };
}

function startHost(plan: WorkerPlan, settings: ProcessorSettings, pipeline: RecordPipeline): OffloadHost | undefined {
  try {
    return new OffloadHost(pipeline, settings, plan.entry, plan.init, sharesWhenBehind());
  } catch (e) {
    log.warn(`offload: the worker could not start (${errorText(e)}); processing spans in-thread instead`);
    return undefined;
  }
}

/**
 * The engine of a processor created with `offload: true`: its worker's host, or `undefined`
 * (after one diag warning) when the processor must stay in-thread. Never throws.
 */
export function startOffload(options: CanonicalSpanProcessorOptions, settings: ProcessorSettings, pipeline: RecordPipeline): OffloadHost | undefined {
  const plan = planFor(options, settings, pipeline, KINDS);
  if (typeof plan === "string") {
    log.warn(`offload: ${plan}; processing spans in-thread instead`);
    return undefined;
  }
  return startHost(plan, settings, pipeline);
}

/** Sinks an `auto` processor moves to a worker. A console tree waits for a trace's root: a trace split across two threads would print as two. */
const AUTO_KINDS: ReadonlySet<string> = new Set(["file", "otlp"]);

/**
 * The engine of a processor with `offload: "auto"` (the default): in-thread until busy, then the
 * worker (see auto.ts); or `undefined` — in-thread for good, without a warning (this is a
 * default, not a request) — when a sink is not a file or OTLP sink, a `mask` is set, canonspan
 * runs from its sources, or the machine has a single core (a worker would only add work there).
 */
export function autoOffload(options: CanonicalSpanProcessorOptions, settings: ProcessorSettings, pipeline: RecordPipeline, cores = availableCores()): AutoOffload | undefined {
  const plan = cores < 2 ? "the machine has one core" : pipeline.lanes.length === 0 ? "no sinks" : planFor(options, settings, pipeline, AUTO_KINDS);
  if (typeof plan === "string") {
    log.debug(`offload auto: ${plan}; staying in-thread`);
    return undefined;
  }
  return new AutoOffload(pipeline, () => startHost(plan, settings, pipeline));
}
