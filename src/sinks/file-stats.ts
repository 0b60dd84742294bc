/**
 * FileSink bookkeeping: counters by drop reason, batch results and rate-limited diagnostics
 * (one warning when a failure episode starts, then at most one a minute; one info line when
 * writing resumes), kept apart so the sink itself holds only the I/O logic.
 */
import type { DiagLogger } from "@opentelemetry/api";
import type { SinkResult } from "./sink";

/** FileSink counters since construction (a snapshot). */
export interface FileSinkStats {
  /** Records written as complete lines. */
  written: number;
  /** Records dropped, by reason: `shutdown`, `line_too_large`, `serialize_error`, `symlink`, `enospc`, … */
  dropped: Record<string, number>;
  /** Size rotations performed. */
  rotations: number;
  /** Torn last lines repaired when the file was opened. */
  repairs: number;
  /** Bytes removed by those repairs. */
  repairedBytes: number;
}

/** The part of a batch the accounting reads and updates. */
export interface BatchTally {
  written: number;
  dropped: number;
  reason?: string;
}

const WARN_EVERY_MS = 60_000;

export class SinkAccounting {
  private readonly _dropped: Record<string, number> = Object.create(null) as Record<string, number>;
  private readonly _warned = new Set<string>();
  private _written = 0;
  private _rotations = 0;
  private _repairs = 0;
  private _repairedBytes = 0;
  private _failing = false;
  private _episodeDrops = 0;
  private _lastWarnAt = -Infinity;

  constructor(
    private readonly _log: DiagLogger,
    private readonly _path: string,
  ) {}

  /** Counts `count` dropped records of `batch`; an I/O reason takes precedence in the result. */
  drop(batch: BatchTally, count: number, reason: string, io = false): void {
    if (count <= 0) return;
    batch.dropped += count;
    if (io || batch.reason === undefined) batch.reason = reason;
    this._dropped[reason] = (this._dropped[reason] ?? 0) + count;
    if (this._failing) this._episodeDrops += count;
  }

  /** Counts a whole refused batch and returns its result. */
  refuse(count: number, reason: string): SinkResult {
    const tally: BatchTally = { written: 0, dropped: 0 };
    this.drop(tally, count, reason);
    return { ok: false, dropped: count, reason };
  }

  /** Folds a finished batch into the counters and returns its result. */
  finish(batch: BatchTally): SinkResult {
    this._written += batch.written;
    if (batch.dropped === 0) return { ok: true };
    return { ok: false, dropped: batch.dropped, reason: batch.reason ?? "write_error" };
  }

  failed(reason: string, err: unknown, retryMs: number): void {
    const now = Date.now();
    const first = !this._failing;
    this._failing = true;
    if (reason === "symlink") {
      this.warnOnce("symlink", `${this._path} is a symbolic link: refusing to follow it; spans are dropped until it is replaced by a regular file`);
      return;
    }
    if (!first && now - this._lastWarnAt < WARN_EVERY_MS) return;
    this._lastWarnAt = now;
    const code = (err as { code?: unknown } | null)?.code;
    const detail = typeof code === "string" ? code : reason;
    this._log.warn(`cannot write ${this._path} (${detail}): dropping spans, retrying at most every ${retryMs} ms`);
  }

  recovered(): void {
    if (!this._failing) return;
    this._failing = false;
    this._log.info(`writing ${this._path} again (${this._episodeDrops} spans dropped meanwhile)`);
    this._episodeDrops = 0;
  }

  repaired(bytes: number, fenced: boolean): void {
    this._repairs++;
    this._repairedBytes += bytes;
    this._log.warn(
      fenced
        ? `${this._path} did not end with a newline and its last line is longer than the line cap: added a newline before writing`
        : `${this._path} ended with a torn line (from a crash): removed its last ${bytes} bytes so every line parses`,
    );
  }

  rotated(): void {
    this._rotations++;
  }

  warnOnce(key: string, message: string): void {
    if (this._warned.has(key)) return;
    this._warned.add(key);
    this._log.warn(message);
  }

  snapshot(): FileSinkStats {
    return {
      written: this._written,
      dropped: { ...this._dropped },
      rotations: this._rotations,
      repairs: this._repairs,
      repairedBytes: this._repairedBytes,
    };
  }
}
