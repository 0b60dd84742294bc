/**
 * Loss accounting: every span or record that does not reach a sink is counted by reason, and
 * reported through rate-limited `diag` warnings (at most one line per reason per window) and a
 * one-line summary at shutdown.
 *
 * Reasons: `queue_full_count`, `queue_full_bytes`, `after_shutdown`, `convert_error`,
 * `redact_error`, `filtered` (not a loss, but counted), `shutdown_timeout`,
 * `sink_error:<name>`, `sink_timeout:<name>`, `sink_backlog_full:<name>`, `sink_closed:<name>`,
 * `exit_unflushed:<name>`, `exit_in_flight:<name>` (a write not confirmed when the process exited), and with `offload`: `worker_lost` (records a failed worker held),
 * `exit_unflushed:offload` (records the worker had not written when the `exit` wait ended).
 */
import type { DiagLogger } from "@opentelemetry/api";
import type { RedactorStats } from "./redact";

/** A snapshot of a processor's (or exporter's) counters. Plain data; safe to serialize. */
export interface ProcessorStats {
  /** Spans handed to `onEnd` (sampled, before shutdown), or to `export()`. */
  received: number;
  /** Records produced by conversion (after filtering). */
  converted: number;
  /** Records each sink accepted, by sink name. */
  exported: Record<string, number>;
  /** Spans or records not delivered, by reason (see the module doc). */
  dropped: Record<string, number>;
  /** Spans waiting for conversion. */
  queueLength: number;
  /** Their estimated size in bytes. */
  queueBytes: number;
  /** Records waiting for each sink (including a write in flight), by sink name. */
  backlog: Record<string, number>;
  /** Calls ignored because they came after `shutdown()` (`export`: the exporter's; their spans count as `after_shutdown`). */
  afterShutdown: { onStart: number; onEnd: number; forceFlush: number; export: number };
  /** What redaction did (mask calls and failures, content removals, secrets redacted). */
  redaction?: RedactorStats;
  /**
   * Only when the processor runs with a worker (`offload: true`, or `"auto"` where it can):
   * `standby` (`auto` before it got busy: records are built in-thread), `running` (records are
   * built in the worker thread), `failed` (the worker failed or could not start; records are
   * built in-thread since, and the records it held are counted as `worker_lost`) or `closed`
   * (after shutdown or exit), how
   * many worker failures happened, and how many spans the app thread converted itself because
   * the worker was behind (`convertedHere`; the worker still redacts and delivers them).
   */
  offload?: { state: "standby" | "running" | "failed" | "closed"; workerErrors: number; convertedHere: number };
}

/** How often a reason may produce a diag warning. */
export const WARN_INTERVAL_MS = 30_000;

/** Reasons that are not losses: counted, never warned about. */
const NOT_A_LOSS = new Set(["filtered"]);

export class StatsRecorder {
  received = 0;
  converted = 0;
  readonly exported = new Map<string, number>();
  readonly dropped = new Map<string, number>();
  readonly afterShutdown = { onStart: 0, onEnd: 0, forceFlush: 0, export: 0 };
  private readonly _lastWarn = new Map<string, number>();
  private readonly _unreported = new Map<string, number>();

  constructor(
    private readonly _log: DiagLogger,
    private readonly _now: () => number = Date.now,
  ) {}

  addExported(sink: string, n: number): void {
    if (n > 0) this.exported.set(sink, (this.exported.get(sink) ?? 0) + n);
  }

  /** Counts `n` drops for `reason`; warns at most once per reason per {@link WARN_INTERVAL_MS}. */
  drop(reason: string, n = 1, detail?: string): void {
    if (n <= 0) return;
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + n);
    if (NOT_A_LOSS.has(reason)) return;
    const pending = (this._unreported.get(reason) ?? 0) + n;
    const now = this._now();
    const last = this._lastWarn.get(reason);
    if (last !== undefined && now - last < WARN_INTERVAL_MS) {
      this._unreported.set(reason, pending);
      return;
    }
    this._lastWarn.set(reason, now);
    this._unreported.delete(reason);
    const since = last === undefined ? "" : ` in the last ${Math.round((now - last) / 1000)}s`;
    this._log.warn(`dropped ${pending} span(s)${since}: ${reason}${detail ? ` (${detail})` : ""}; see stats()`);
  }

  /** Total of real losses (everything but `filtered`). */
  lost(): number {
    let n = 0;
    for (const [reason, count] of this.dropped) if (!NOT_A_LOSS.has(reason)) n += count;
    return n;
  }

  /** Records counted lost at process exit so far (`exit_unflushed:*`, `exit_in_flight:*`), with their reasons. */
  exitLosses(): { total: number; parts: string[] } {
    let total = 0;
    const parts: string[] = [];
    for (const [reason, count] of this.dropped) {
      if (!reason.startsWith("exit_")) continue;
      total += count;
      parts.push(`${reason}=${count}`);
    }
    return { total, parts };
  }

  /** One line for the shutdown log, or `undefined` when nothing was lost. */
  summary(): string | undefined {
    const lost = this.lost();
    if (lost === 0) return undefined;
    const parts: string[] = [];
    for (const [reason, count] of this.dropped) if (!NOT_A_LOSS.has(reason)) parts.push(`${reason}=${count}`);
    return `dropped ${lost} of ${this.received} span(s): ${parts.join(", ")}`;
  }

  snapshot(queue: { length: number; bytes: number }, backlog: Record<string, number>): ProcessorStats {
    return {
      received: this.received,
      converted: this.converted,
      exported: Object.fromEntries(this.exported),
      dropped: Object.fromEntries(this.dropped),
      queueLength: queue.length,
      queueBytes: queue.bytes,
      backlog,
      afterShutdown: { ...this.afterShutdown },
    };
  }
}
