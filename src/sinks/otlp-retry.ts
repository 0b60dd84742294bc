/**
 * OTLP/HTTP retry policy (RELIABILITY.md §1.4, §1.7, §5.4).
 *
 * - Retry 429, 502, 503, 504 and connection failures; every other 4xx/5xx is final.
 * - Exponential backoff with ±20 % jitter (the stock exporter's constants: 1 s × 1.5, cap 5 s),
 *   replaced by `Retry-After` (seconds or HTTP-date) when the server sends one.
 * - Never past the export deadline: a delay that would end after it stops the retries now.
 *
 * Why not the stock `RetryingTransport` (otlp-exporter-base 0.223): its backoff timer is not
 * `unref()`'d and cannot be cancelled, so a shutdown during an outage keeps the process alive
 * for up to the remaining export timeout; and its attempt timeout is a socket-idle timeout.
 * The status set, `Retry-After` parsing and backoff constants here follow it.
 */
import { safeUnref } from "../internal/timers";
import type { ResolvedRetry } from "./otlp-config";

/** Why a request did not deliver, as counted by the sink. */
export type AttemptReason = "unavailable" | "network" | "timeout" | "shutdown" | "http" | "response_too_large" | "error";

/** The outcome of one HTTP attempt. Messages are already free of secrets. */
export type AttemptResult =
  | { kind: "success"; status: number; body: Uint8Array }
  | { kind: "retryable"; reason: AttemptReason; status?: number; retryAfterMs?: number; message: string }
  | { kind: "failure"; reason: AttemptReason; status?: number; message: string };

/** The OTLP spec's retryable HTTP status codes. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Longest `Retry-After` honoured; the export deadline usually cuts in first. */
export const MAX_RETRY_AFTER_MILLIS = 60_000;
const JITTER = 0.2;

/**
 * `Retry-After` → milliseconds to wait: delta-seconds (`"120"`) or an HTTP-date (past dates
 * give 0). Anything else (`"-1"`, `"soon"`, `"1e9"`) is undefined: fall back to backoff.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else if (/^[A-Za-z]{3}/.test(v)) {
    const at = Date.parse(v); // IMF-fixdate, RFC 850 and asctime all start with a day name
    if (!Number.isFinite(at)) return undefined;
    ms = Math.max(0, at - now);
  } else return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MILLIS);
}

/** Delay before retry number `retry` (0 for the first retry), jittered, capped. */
export function backoffDelay(retry: number, policy: ResolvedRetry, random: () => number = Math.random): number {
  const base = policy.initialBackoffMillis * Math.pow(policy.backoffMultiplier, retry);
  const jittered = base * (1 + (random() * 2 - 1) * JITTER);
  return Math.max(0, Math.min(jittered, policy.maxBackoffMillis));
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. Never holds the process open. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = safeUnref(
      setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryContext {
  /** Epoch milliseconds after which no attempt starts and no retry is scheduled (`Infinity`: none). */
  deadline: number;
  policy: ResolvedRetry;
  /** Aborting stops waiting at once and starts no further attempt. */
  signal?: AbortSignal;
  /** Called before each wait, for stats and diagnostics. */
  onRetry?: (delayMillis: number, last: AttemptResult) => void;
  now?: () => number;
  random?: () => number;
}

export interface RetryOutcome {
  result: AttemptResult;
  attempts: number;
}

/**
 * Runs `attempt(timeoutMillis)` until it succeeds, fails for good, runs out of attempts or of
 * time. Each attempt gets the time left before the deadline. Never rejects if `attempt` doesn't.
 */
export async function sendWithRetry(
  attempt: (timeoutMillis: number) => Promise<AttemptResult>,
  ctx: RetryContext,
): Promise<RetryOutcome> {
  const now = ctx.now ?? Date.now;
  let attempts = 0;
  let result: AttemptResult | undefined;
  for (;;) {
    if (ctx.signal?.aborted) {
      return { result: result ?? { kind: "failure", reason: "shutdown", message: "sink shut down" }, attempts };
    }
    const remaining = ctx.deadline - now();
    if (remaining <= 0) {
      return { result: result ?? { kind: "retryable", reason: "timeout", message: "export deadline passed" }, attempts };
    }
    result = await attempt(remaining);
    attempts++;
    if (result.kind !== "retryable" || attempts >= ctx.policy.maxAttempts) return { result, attempts };
    const delay = result.retryAfterMs ?? backoffDelay(attempts - 1, ctx.policy, ctx.random);
    if (now() + delay >= ctx.deadline) return { result, attempts }; // never past the deadline
    ctx.onRetry?.(delay, result);
    if (!(await sleep(delay, ctx.signal))) return { result, attempts };
  }
}
