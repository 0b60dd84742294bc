import type { ResolvedRetry } from "../../src/sinks/otlp-config";
import {
  MAX_RETRY_AFTER_MILLIS,
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  sendWithRetry,
  sleep,
  type AttemptResult,
} from "../../src/sinks/otlp-retry";

const POLICY: ResolvedRetry = { maxAttempts: 6, initialBackoffMillis: 1000, maxBackoffMillis: 5000, backoffMultiplier: 1.5 };
const FAST: ResolvedRetry = { maxAttempts: 4, initialBackoffMillis: 5, maxBackoffMillis: 20, backoffMultiplier: 2 };
const unavailable = (retryAfterMs?: number): AttemptResult => ({ kind: "retryable", reason: "unavailable", status: 503, retryAfterMs, message: "HTTP 503" });
const ok: AttemptResult = { kind: "success", status: 200, body: new Uint8Array(0) };

describe("isRetryableStatus", () => {
  it.each([429, 502, 503, 504])("%d is retryable", (s) => expect(isRetryableStatus(s)).toBe(true));
  it.each([400, 401, 403, 404, 405, 413, 415, 500, 501])("%d is not", (s) => expect(isRetryableStatus(s)).toBe(false));
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    ["3", 3000],
    ["0", 0],
    [" 2 ", 2000],
    ["Thu, 01 Jan 2026 00:00:03 GMT", 3000],
    ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ["3600", MAX_RETRY_AFTER_MILLIS],
  ])("%s → %d ms", (v, ms) => expect(parseRetryAfter(v, now)).toBe(ms));

  it.each(["-1", "soon", "1e9", "1.5", "", undefined])("%s falls back to backoff", (v) => {
    expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("grows by the multiplier with ±20 % jitter and is capped", () => {
    expect(backoffDelay(0, POLICY, () => 0.5)).toBe(1000);
    expect(backoffDelay(1, POLICY, () => 0.5)).toBe(1500);
    expect(backoffDelay(0, POLICY, () => 0)).toBeCloseTo(800);
    expect(backoffDelay(0, POLICY, () => 0.9999999)).toBeCloseTo(1200, 0);
    expect(backoffDelay(10, POLICY, () => 1)).toBe(5000);
  });
});

describe("sleep", () => {
  it("resolves false as soon as the signal aborts", async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    await expect(p).resolves.toBe(false);
  });
});

describe("sendWithRetry", () => {
  it("retries retryable results until success", async () => {
    const results = [unavailable(), unavailable(), ok];
    const delays: number[] = [];
    const out = await sendWithRetry(async () => results.shift()!, { deadline: Date.now() + 10_000, policy: FAST, onRetry: (d) => delays.push(d) });
    expect(out).toEqual({ result: ok, attempts: 3 });
    expect(delays).toHaveLength(2);
  });

  it("does not retry a final failure", async () => {
    const fail: AttemptResult = { kind: "failure", reason: "http", status: 400, message: "HTTP 400" };
    const attempt = jest.fn(async () => fail);
    const out = await sendWithRetry(attempt, { deadline: Date.now() + 10_000, policy: FAST });
    expect(out.attempts).toBe(1);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it("stops after maxAttempts", async () => {
    const attempt = jest.fn(async () => unavailable());
    const out = await sendWithRetry(attempt, { deadline: Date.now() + 10_000, policy: FAST });
    expect(out.attempts).toBe(FAST.maxAttempts);
    expect(out.result.kind).toBe("retryable");
  });

  it("uses Retry-After instead of the backoff", async () => {
    const results = [unavailable(30), ok];
    const delays: number[] = [];
    await sendWithRetry(async () => results.shift()!, { deadline: Date.now() + 10_000, policy: POLICY, onRetry: (d) => delays.push(d) });
    expect(delays).toEqual([30]);
  });

  it("never schedules a retry past the deadline, and gives each attempt the time left", async () => {
    const timeouts: number[] = [];
    const attempt = jest.fn(async (t: number) => {
      timeouts.push(t);
      return unavailable(5_000);
    });
    const out = await sendWithRetry(attempt, { deadline: Date.now() + 1_000, policy: POLICY });
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(out.result.kind).toBe("retryable");
    expect(timeouts[0]).toBeLessThanOrEqual(1_000);
    expect(timeouts[0]).toBeGreaterThan(0);
  });

  it("an abort during the wait ends the loop without another attempt", async () => {
    const ac = new AbortController();
    const attempt = jest.fn(async () => {
      setTimeout(() => ac.abort(), 10);
      return unavailable(60_000);
    });
    const out = await sendWithRetry(attempt, { deadline: Date.now() + 120_000, policy: POLICY, signal: ac.signal });
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(out.result.kind).toBe("retryable");
  });
});
