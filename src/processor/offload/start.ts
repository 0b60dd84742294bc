/**
 * Whether a processor asked for `offload: true` can run in a worker, and starting it. Anything
 * that cannot cross to a worker — a sink without `workerSpec()`, a `mask` function, canonspan
 * running from its TypeScript sources (no built worker file) — keeps the processor in-thread,
 * with one diag warning saying why.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { dirname, extname, join } from "node:path";
import { logger } from "../../internal/diag";
import type { SinkWorkerSpec } from "../../sinks/sink";
import type { CanonicalSpanProcessorOptions, ProcessorSettings } from "../options";
import type { RecordPipeline } from "../pipeline";
import { OffloadHost } from "./host";
import type { WorkerPipelineOptions } from "./protocol";
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

/** The specs of every sink, or why one of them cannot run in a worker. */
function specsOf(pipeline: RecordPipeline): SinkWorkerSpec[] | string {
  const specs: SinkWorkerSpec[] = [];
  for (const lane of pipeline.lanes) {
    const sink = lane.sink;
    let spec: SinkWorkerSpec | undefined;
    try {
      spec = typeof sink.workerSpec === "function" ? sink.workerSpec() : undefined;
    } catch (e) {
      return `sink "${lane.name}" failed to describe itself for the worker (${errorText(e)})`;
    }
    if (!spec || typeof spec !== "object" || !KINDS.has(spec.kind)) return `sink "${lane.name}" cannot run in a worker thread`;
    specs.push({ kind: spec.kind, options: spec.options });
  }
  return specs;
}

/**
 * The offload host for a processor created with `offload: true`, or `undefined` (after one diag
 * warning) when the processor must stay in-thread. Never throws.
 */
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

export function startOffload(options: CanonicalSpanProcessorOptions, settings: ProcessorSettings, pipeline: RecordPipeline): OffloadHost | undefined {
  const inThread = (why: string): undefined => {
    log.warn(`offload: ${why}; processing spans in-thread instead`);
    return undefined;
  };
  const specs = specsOf(pipeline);
  if (typeof specs === "string") return inThread(specs);
  if (options.mask !== undefined) return inThread("the mask option is a function, which cannot run in a worker thread");
  const entry = workerEntry();
  if (!entry) return inThread("the worker entry is not built (canonspan runs from its TypeScript sources)");
  const opts: WorkerPipelineOptions = {};
  if (options.maxStringLength !== undefined) opts.maxStringLength = options.maxStringLength;
  if (options.maxRecordLength !== undefined) opts.maxRecordLength = options.maxRecordLength;
  if (options.redact !== undefined) opts.redact = options.redact;
  if (options.captureContent !== undefined) opts.captureContent = options.captureContent;
  if (options.maskTimeoutMs !== undefined) opts.maskTimeoutMs = options.maskTimeoutMs;
  if (options.rolloutId !== undefined) opts.rolloutId = options.rolloutId;
  if (options.attemptId !== undefined) opts.attemptId = options.attemptId;
  try {
    return new OffloadHost(pipeline, settings, entry, { sinks: specs, pipeline: opts, settings }, sharesWhenBehind());
  } catch (e) {
    return inThread(`the worker could not start (${errorText(e)})`);
  }
}
