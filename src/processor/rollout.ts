/**
 * Agent Lightning correlation (SPEC.md §4): `withRollout()` puts rollout/attempt ids in the OTel
 * context; the processor reads them in `onStart` for every span started inside. Also the
 * per-attempt `sequenceId` counters (SPEC.md §1).
 */
import { context, createContextKey, type Context } from "@opentelemetry/api";
import { logger } from "../internal/diag";
import type { CanonicalSpan } from "../model/record";
import { toWellFormed, truncate } from "../read/strings";

/** Agent Lightning ids of one rollout attempt. */
export interface RolloutIds {
  readonly rolloutId: string;
  readonly attemptId?: string;
}

/** The OTel context key under which `withRollout` stores its {@link RolloutIds}. */
export const ROLLOUT_CONTEXT_KEY = createContextKey("canonspan.rollout");

/** Ids longer than this are cut: they are labels, not payloads. */
const MAX_ID_LENGTH = 256;

const log = logger("rollout");

function cleanId(v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  return truncate(toWellFormed(v), MAX_ID_LENGTH);
}

/**
 * Runs `fn` in a context carrying the rollout/attempt ids and returns its result. Every span
 * started inside (directly or in awaited work) gets these ids in its record; they win over
 * span attributes, resource attributes and processor options. Invalid ids are ignored with a
 * warning (`fn` still runs).
 *
 * @example
 * await withRollout({ rolloutId: "ro-1", attemptId: "at-1" }, () => agent.run(task));
 */
export function withRollout<T>(ids: { rolloutId: string; attemptId?: string }, fn: () => T): T {
  let ctx: Context = context.active();
  const rolloutId = cleanId(ids?.rolloutId);
  if (rolloutId === undefined) {
    log.warn("withRollout: rolloutId must be a non-empty string; running without rollout ids");
  } else {
    const attemptId = cleanId(ids?.attemptId);
    const value: RolloutIds = Object.freeze(attemptId === undefined ? { rolloutId } : { rolloutId, attemptId });
    ctx = ctx.setValue(ROLLOUT_CONTEXT_KEY, value);
  }
  return context.with(ctx, fn);
}

/** The rollout ids `withRollout` put in `ctx` (default: the active context), if any. */
export function getRolloutIds(ctx: Context = context.active()): RolloutIds | undefined {
  const v = ctx?.getValue(ROLLOUT_CONTEXT_KEY) as RolloutIds | undefined;
  return v && typeof v.rolloutId === "string" ? v : undefined;
}

/** Most attempts tracked at once; the least recently used is forgotten beyond it. */
export const MAX_TRACKED_ATTEMPTS = 10_000;

/** The state of {@link SequenceCounters}, as plain data (to continue numbering in another thread). */
export interface SequenceState {
  /** `[attempt key, last id]`, least recently used first. */
  attempts: Array<[string, number]>;
  process: number;
  global: number;
  evicted: boolean;
}

/**
 * `sequenceId` counters: one per attempt (strictly increasing in the order spans end), one for
 * spans without an attempt. The map is bounded; an attempt forgotten and seen again resumes
 * above every number handed out so far, so its ids stay strictly increasing.
 */
export class SequenceCounters {
  private readonly _perAttempt = new Map<string, number>();
  private _process = 0;
  /** Numbers handed out overall: an upper bound of every counter. */
  private _global = 0;
  private _evicted = false;

  constructor(private readonly _maxAttempts = MAX_TRACKED_ATTEMPTS) {}

  /** The next sequence id for the attempt (or the process when `attemptId` is undefined). */
  next(rolloutId: string | undefined, attemptId: string | undefined): number {
    this._global++;
    if (attemptId === undefined) return ++this._process;
    const key = `${rolloutId ?? ""}\u0000${attemptId}`;
    const prev = this._perAttempt.get(key);
    let n: number;
    if (prev === undefined) {
      n = this._evicted ? this._global : 1;
      if (this._perAttempt.size >= this._maxAttempts) {
        const oldest = this._perAttempt.keys().next().value;
        if (oldest !== undefined) this._perAttempt.delete(oldest);
        this._evicted = true;
      }
    } else {
      n = prev + 1;
      this._perAttempt.delete(key); // re-insert: Map order becomes least-recently-used first
    }
    this._perAttempt.set(key, n);
    return n;
  }

  /** How many ids were handed out: overall, and without an attempt (cheap; see {@link state}). */
  issued(): { process: number; global: number } {
    return { process: this._process, global: this._global };
  }

  /** A copy of the state. */
  state(): SequenceState {
    return { attempts: [...this._perAttempt], process: this._process, global: this._global, evicted: this._evicted };
  }

  /** Replaces the state with `s` (numbering continues from there); entries past the bound are dropped. */
  restore(s: SequenceState): void {
    this._perAttempt.clear();
    const skip = Math.max(0, s.attempts.length - this._maxAttempts);
    for (let i = skip; i < s.attempts.length; i++) {
      const [key, n] = s.attempts[i]!;
      this._perAttempt.set(key, n);
    }
    this._process = s.process;
    this._global = s.global;
    this._evicted = s.evicted || skip > 0;
  }
}

/** `sources` keys of the correlation ids (the record field paths). */
const ROLLOUT_FIELD = "rolloutId";
const ATTEMPT_FIELD = "attemptId";

/**
 * SPEC.md §4 order: `withRollout` context ids, then span and resource attributes (conversion
 * already applied those), then the processor's `rolloutId`/`attemptId` options as last resort.
 */
export function applyRolloutIds(record: CanonicalSpan, ids: RolloutIds | undefined, fallbackRollout: string | undefined, fallbackAttempt: string | undefined): void {
  if (ids) {
    record.rolloutId = ids.rolloutId;
    record.sources[ROLLOUT_FIELD] = "context:withRollout";
    if (ids.attemptId !== undefined) {
      record.attemptId = ids.attemptId;
      record.sources[ATTEMPT_FIELD] = "context:withRollout";
    }
  }
  if (record.rolloutId === undefined && fallbackRollout !== undefined) {
    record.rolloutId = fallbackRollout;
    record.sources[ROLLOUT_FIELD] = "option:rolloutId";
  }
  if (record.attemptId === undefined && fallbackAttempt !== undefined) {
    record.attemptId = fallbackAttempt;
    record.sources[ATTEMPT_FIELD] = "option:attemptId";
  }
}
