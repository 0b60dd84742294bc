/**
 * Test doubles for processor tests: a recording sink whose behaviour can be switched (slow,
 * hanging, throwing, rejecting, failing, gated), and a provider/tracer wired with a processor.
 */
import type { Attributes, Tracer } from "@opentelemetry/api";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { CanonicalSpan } from "../../src/model/record";
import type { SinkResult, SpanSink } from "../../src/sinks/sink";
import { providerWith } from "../helpers/spans";

export type SinkMode = "ok" | "throw" | "reject" | "hang" | "fail";

export class RecordingSink implements SpanSink {
  readonly records: CanonicalSpan[] = [];
  readonly batchSizes: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  writes = 0;
  flushes = 0;
  shutdowns = 0;
  mode: SinkMode = "ok";
  /** Delay of each write, in ms. */
  delayMs = 0;
  private _gate: Promise<void> | undefined;
  private _open: (() => void) | undefined;

  constructor(readonly name = "rec") {}

  /** Holds every write until `release()`. */
  hold(): void {
    this._gate = new Promise((r) => (this._open = r));
  }

  release(): void {
    this._open?.();
    this._gate = undefined;
  }

  get spanNames(): string[] {
    return this.records.map((r) => r.name);
  }

  write(records: readonly CanonicalSpan[]): Promise<SinkResult> {
    this.writes++;
    if (this.mode === "throw") throw new Error("sink threw synchronously");
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const run = async (): Promise<SinkResult> => {
      try {
        if (this._gate) await this._gate;
        if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
        if (this.mode === "hang") await new Promise(() => undefined);
        if (this.mode === "reject") throw new Error("sink rejected");
        if (this.mode === "fail") return { ok: false, dropped: records.length, reason: "test_failure" };
        this.records.push(...records);
        this.batchSizes.push(records.length);
        return { ok: true };
      } finally {
        this.inFlight--;
      }
    };
    return run();
  }

  async forceFlush(): Promise<void> {
    this.flushes++;
    if (this.mode === "hang") await new Promise(() => undefined);
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
    if (this.mode === "hang") await new Promise(() => undefined);
  }
}

/** A recording sink that also implements the synchronous exit path. */
export class SyncRecordingSink extends RecordingSink {
  readonly syncRecords: CanonicalSpan[] = [];

  writeSync(records: readonly CanonicalSpan[]): void {
    this.syncRecords.push(...records);
  }
}

/** A provider with `processor`, and a tracer from it. */
export function tracerWith(processor: SpanProcessor, resource: Attributes = {}): { tracer: Tracer; provider: ReturnType<typeof providerWith> } {
  const provider = providerWith([processor], resource);
  return { provider, tracer: provider.getTracer("test-scope", "1.0.0") };
}

/** Ends `n` spans named `${prefix}-${i}` in order. */
export function endSpans(tracer: Tracer, n: number, prefix = "s", attributes?: Attributes): void {
  for (let i = 0; i < n; i++) tracer.startSpan(`${prefix}-${i}`, { attributes }).end();
}

/** Resolves after `ms` (a ref'd timer: tests wait on it). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `cond()` holds, polling; fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
