/**
 * The tree-style console sink's buffer of unfinished traces: records wait per trace until the
 * root ends, then the trace is handed to `print`. Bounded (traces, spans per trace, spans in
 * all), with one unref'd timer that prints traces idle for `timeoutMs` without their root.
 * Traces are kept in least-recently-active order, so the oldest is first to go.
 */
import { safeUnref } from "../internal/timers";
import type { CanonicalSpan } from "../model/record";

/** Why a trace was printed before its root ended. */
export type IncompleteReason = "timeout" | "flush" | "traceLimit" | "spanLimit" | "pendingLimit";

export interface PendingLimits {
  maxPendingTraces: number;
  maxSpansPerTrace: number;
  maxPendingSpans: number;
  timeoutMs: number;
}

/** Prints one trace (`reason` undefined: its root ended). Must not throw. */
export type PrintTrace = (records: CanonicalSpan[], reason: IncompleteReason | undefined) => void;

interface PendingTrace {
  records: CanonicalSpan[];
  ids: Set<string>;
  lastActivity: number;
}

/** Node turns a delay past 2^31-1 ms into 1 ms, which would spin. */
const MAX_TIMER_MS = 2_147_483_647;

export class PendingTraces {
  private readonly _pending = new Map<string, PendingTrace>();
  private _spans = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _stopped = false;

  constructor(
    private readonly _limits: PendingLimits,
    private readonly _print: PrintTrace,
    private readonly _onSweepError: (e: unknown) => void,
  ) {}

  /** Spans buffered over all traces. */
  get spans(): number {
    return this._spans;
  }

  /**
   * Buffers `r`; prints its trace when `r` is the root: a span without parent, or a `SERVER` /
   * `CONSUMER` span whose parent is not buffered (the process's entry under a remote parent).
   */
  add(r: CanonicalSpan, now: number): void {
    const traceId = String(r.traceId);
    let t = this._pending.get(traceId);
    if (t) {
      this._pending.delete(traceId); // re-inserted below: the Map stays in least-recently-active order
    } else {
      if (this._pending.size >= this._limits.maxPendingTraces) this._printOldest("traceLimit");
      t = { records: [], ids: new Set(), lastActivity: now };
    }
    const parentId = r.parentId;
    const isRoot =
      typeof parentId !== "string" ||
      parentId === "" ||
      ((r.kind === "SERVER" || r.kind === "CONSUMER") && !t.ids.has(parentId));
    t.records.push(r);
    t.ids.add(String(r.spanId));
    t.lastActivity = now;
    this._pending.set(traceId, t);
    this._spans++;
    if (isRoot) this._printTrace(traceId, t, undefined);
    else if (t.records.length >= this._limits.maxSpansPerTrace) this._printTrace(traceId, t, "spanLimit");
    while (this._spans > this._limits.maxPendingSpans && this._pending.size > 0) this._printOldest("pendingLimit");
  }

  /** Prints every buffered trace, marked incomplete for `reason`. */
  printAll(reason: IncompleteReason): void {
    for (const [traceId, t] of [...this._pending]) this._printTrace(traceId, t, reason);
  }

  /** Forgets everything buffered (the sink was disabled); returns how many spans that was. */
  clear(): number {
    const spans = this._spans;
    this._pending.clear();
    this._spans = 0;
    this.stopTimer();
    return spans;
  }

  /** One timer for all traces: it fires at the deadline of the least recently active one. */
  schedule(now: number): void {
    if (this._timer !== undefined || this._stopped) return;
    const first = this._pending.values().next();
    if (first.done) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(1, first.value.lastActivity + this._limits.timeoutMs - now));
    this._timer = safeUnref(setTimeout(() => this._sweep(), delay));
  }

  stopTimer(): void {
    if (this._timer) clearTimeout(this._timer);
    this._timer = undefined;
  }

  /** No more timers (shutdown). */
  stop(): void {
    this._stopped = true;
    this.stopTimer();
  }

  private _printOldest(reason: IncompleteReason): void {
    const first = this._pending.entries().next();
    if (!first.done) this._printTrace(first.value[0], first.value[1], reason);
  }

  private _printTrace(traceId: string, t: PendingTrace, reason: IncompleteReason | undefined): void {
    this._pending.delete(traceId);
    this._spans -= t.records.length;
    this._print(t.records, reason);
  }

  private _sweep(): void {
    this._timer = undefined;
    try {
      const now = Date.now();
      for (const [traceId, t] of this._pending) {
        if (t.lastActivity + this._limits.timeoutMs > now) break; // the rest are more recent
        this._printTrace(traceId, t, "timeout");
      }
      this.schedule(now);
    } catch (e) {
      this._onSweepError(e);
    }
  }
}
