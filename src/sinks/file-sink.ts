/**
 * FileSink: canonical records as JSONL, one complete record per line (SPEC.md §5,
 * RELIABILITY.md §4.5 and faults B2, B5, B9, C1–C6).
 *
 * - Lines are encoded per record and each batch goes out as few whole-line `write(2)` calls
 *   (one per 8 MiB): with `O_APPEND` a line is never interleaved with another writer's.
 * - Writes are asynchronous (libuv thread pool) unless `sync: true`; {@link FileSink.writeSync}
 *   is always synchronous, for the processor's `exit` hook.
 * - Opening, tail repair and rotation are synchronous: they happen at construction, once per
 *   `maxFileBytes`, after `reopen()`, or at most once per `retryIntervalMillis` after a failure.
 * - Faults never throw: a failed write closes the file, reports `{ ok: false, dropped, reason }`
 *   (`enospc`, `eacces`, `erofs`, `symlink`, …) and the next write after the retry interval
 *   opens the path again, repairing a torn tail first. No timers: nothing keeps the process alive.
 */
import { logger } from "../internal/diag";
import type { CanonicalSpan } from "../model/record";
import type { Encoded, EncodeResult, SinkResult, SinkWorkerSpec, SpanSink } from "./sink";
import { asLines, buildChunk, encodeLine, writeAllAsync, writeAllSync, WRITE_CHUNK_BYTES, type Chunk, type FileLine, type Line, type Outcome } from "./file-lines";
import { isLineBytes, LineArenas } from "./arena";
import { resolveFileSinkOptions, type FileSinkOptions } from "./file-options";
import { openSpanFile, pathStillNames, reasonOf, retireFile, type OpenFile } from "./file-open";
import { repairTail } from "./file-repair";
import { shiftFiles } from "./file-rotation";
import { SinkAccounting, type FileSinkStats } from "./file-stats";

export type { FileSinkStats } from "./file-stats";
export type { FileSinkOptions } from "./file-options";

/** How often the sink checks that its path still names its file (logrotate, deletion). */
const PATH_CHECK_MS = 1000;
/** A rotation that keeps finding a full file (another writer) gives up for this batch. */
const MAX_ROTATIONS_PER_BATCH = 3;

/** In-process sinks holding each path open: a second sink must not "repair" a line the first is writing. */
const OPEN_PATHS = new Map<string, number>();

/**
 * For the offload worker: the app thread's own sink holds `path` open (it repaired the tail when
 * it opened it, and may be writing a line right now), so no sink of this thread repairs it.
 */
export function holdPathForAppThread(path: string): void {
  OPEN_PATHS.set(path, (OPEN_PATHS.get(path) ?? 0) + 1);
}

const log = logger("file-sink");

interface Batch {
  items: readonly Line[];
  next: number;
  written: number;
  dropped: number;
  reason?: string;
  rotations: number;
}

function newBatch(items: readonly Encoded<FileLine>[]): Batch {
  return { items: asLines(items), next: 0, written: 0, dropped: 0, rotations: 0 };
}

/**
 * JSONL file sink. See {@link FileSinkOptions} for every option and its default.
 *
 * Caveats:
 * - Several processes may append to one path (each batch is one `O_APPEND` write, so lines
 *   never interleave), but size rotation and the start-up tail repair assume a single writing
 *   process: with several, set `maxFileBytes: Infinity`, rotate externally and call `reopen()`.
 * - A batch still on the thread pool when `process.exit()` runs may be lost or torn (a torn
 *   line is removed at the next start); what the processor still queues goes through
 *   {@link FileSink.writeSync}. Use `sync: true` where the process can freeze (serverless).
 * - Directory trust: in a group- or world-writable directory the file must belong to us (else
 *   `not_owner`); without the sticky bit the sink also warns once, since another user could
 *   rename or replace the file. A sticky directory such as `/tmp` gets no warning.
 * - Windows has no `O_NOFOLLOW`: there the symlink refusal does not apply.
 *
 * @example
 * new CanonicalSpanProcessor({ sinks: [new FileSink({ path: "spans.jsonl", maxFileBytes: 16 * 1024 * 1024 })] });
 */
export class FileSink implements SpanSink<FileLine> {
  readonly name = "file";
  /** The absolute path written to. */
  readonly path: string;
  private readonly _maxFileBytes: number;
  private readonly _maxFiles: number;
  private readonly _mode: number;
  private readonly _sync: boolean;
  private readonly _maxLineBytes: number;
  private readonly _retryMs: number;
  private readonly _acct: SinkAccounting;
  private _file: OpenFile | undefined;
  private _failedAt = -Infinity;
  private _failReason = "write_error";
  private _nextPathCheck = 0;
  private _rotateBlockedUntil = 0;
  private readonly _inflight = new Set<Promise<SinkResult>>();
  private readonly _arenas = new LineArenas();
  private _shutdown: Promise<void> | undefined;

  constructor(options: FileSinkOptions) {
    const o = resolveFileSinkOptions(options);
    this.path = o.path;
    this._maxFileBytes = o.maxFileBytes;
    this._maxFiles = o.maxFiles;
    this._maxLineBytes = o.maxLineBytes;
    this._mode = o.mode;
    this._sync = o.sync;
    this._retryMs = o.retryIntervalMillis;
    this._acct = new SinkAccounting(log, this.path);
    this._open(); // repairs a torn tail at start; a failure is reported by the first write
  }

  /** Writes one batch; resolves when it is on disk (or failed). Never rejects. */
  write(records: readonly CanonicalSpan[]): Promise<SinkResult> {
    if (this._shutdown) return Promise.resolve(this._acct.refuse(records.length, "shutdown"));
    return this._track(() => this._writeBatch(this._encode(records)), records.length);
  }

  /**
   * One record as its JSONL line (the processor calls this as soon as the record is built and
   * keeps only the line, stored as UTF-8 outside the JS heap: arena.ts). A record that
   * cannot be encoded, or whose line is longer than `maxLineBytes`, is refused and counted
   * (`serialize_error`, `line_too_large`).
   */
  encode(record: CanonicalSpan): EncodeResult<FileLine> {
    return this._encodeLine(record, this._arenas);
  }

  /** {@link FileSink.encode} as text, which can cross threads (the offload worker writes it through `writeEncoded`). */
  encodeText(record: CanonicalSpan): EncodeResult<FileLine> {
    return this._encodeLine(record);
  }

  private _encodeLine(record: CanonicalSpan, arenas?: LineArenas): EncodeResult<FileLine> {
    const r = encodeLine(record, this._maxLineBytes, arenas);
    if (!r.ok) this._acct.refuse(1, r.reason);
    return r;
  }

  /** {@link FileSink.write} for lines from {@link FileSink.encode}. */
  writeEncoded(lines: readonly Encoded<FileLine>[]): Promise<SinkResult> {
    if (this._shutdown) {
      this._releaseLines(lines);
      return Promise.resolve(this._acct.refuse(lines.length, "shutdown"));
    }
    return this._track(() => this._writeBatch(newBatch(lines)), lines.length);
  }

  /** Synchronous write for the process `exit` hook: ignores the retry interval, never throws. */
  writeSync(records: readonly CanonicalSpan[]): void {
    try {
      if (this._shutdown) this._acct.refuse(records.length, "shutdown");
      else this._writeBatchSync(this._encode(records));
    } catch {
      /* never throw at exit */
    }
  }

  /** {@link FileSink.writeSync} for lines from {@link FileSink.encode}. */
  writeEncodedSync(lines: readonly Encoded<FileLine>[]): void {
    try {
      if (this._shutdown) this._acct.refuse(lines.length, "shutdown");
      else this._writeBatchSync(newBatch(lines));
    } catch {
      /* never throw at exit */
    }
    this._releaseLines(lines);
  }

  /** Resolves when every batch in flight has settled. Never rejects. */
  async forceFlush(): Promise<void> {
    await Promise.all(this._inflight);
  }

  /** Waits for the write in flight, then closes the file. Idempotent; later writes report `shutdown`. */
  shutdown(): Promise<void> {
    this._shutdown ??= (async () => {
      await Promise.all(this._inflight);
      if (this._file) this._release(this._file);
    })();
    return this._shutdown;
  }

  /** Closes the file so the next write opens `path` afresh (after an external rotation). */
  reopen(): void {
    if (this._file) this._release(this._file);
    this._failedAt = -Infinity;
  }

  /** The resolved options, for the processor's offload worker (which opens the same path itself). */
  workerSpec(): SinkWorkerSpec {
    const options: Required<FileSinkOptions> = {
      path: this.path,
      maxFileBytes: this._maxFileBytes,
      maxFiles: this._maxFiles,
      mode: this._mode,
      sync: this._sync,
      maxLineBytes: this._maxLineBytes,
      retryIntervalMillis: this._retryMs,
    };
    return { kind: "file", options };
  }

  /** Counters since construction: records written, drops by reason, rotations, repairs. */
  stats(): FileSinkStats {
    return this._acct.snapshot();
  }

  /** Runs a write, tracked until it settles (the processor never overlaps writes, but a direct caller might). */
  private _track(run: () => Promise<SinkResult>, count: number): Promise<SinkResult> {
    const p = run().catch((err: unknown) => this._acct.refuse(count, reasonOf(err)));
    this._inflight.add(p);
    void p.then(() => this._inflight.delete(p));
    return p;
  }

  private async _writeBatch(batch: Batch): Promise<SinkResult> {
    try {
      for (let c = this._nextChunk(batch, false); c; c = this._nextChunk(batch, false)) {
        this._afterChunk(batch, c, this._sync ? writeAllSync(c) : await writeAllAsync(c));
      }
      return this._acct.finish(batch);
    } finally {
      // Every write of the batch has settled (writeAllAsync never rejects): its arena bytes are free.
      this._releaseLines(batch.items);
    }
  }

  /** Gives the arena bytes of `lines` back (arena.ts). */
  private _releaseLines(lines: readonly Encoded<FileLine>[]): void {
    for (const l of lines) if (isLineBytes(l.value)) this._arenas.release(l.value);
  }

  private _writeBatchSync(batch: Batch): void {
    for (let c = this._nextChunk(batch, true); c; c = this._nextChunk(batch, true)) this._afterChunk(batch, c, writeAllSync(c));
    this._acct.finish(batch);
  }

  /** Encodes `records` to lines; refused records are counted in the batch. */
  private _encode(records: readonly CanonicalSpan[]): Batch {
    const items: Line[] = [];
    const batch: Batch = { items, next: 0, written: 0, dropped: 0, rotations: 0 };
    for (const record of records) {
      const r = encodeLine(record, this._maxLineBytes);
      if (r.ok) items.push(r);
      else this._acct.drop(batch, 1, r.reason);
    }
    return batch;
  }

  /** The next whole-line chunk to write, opening or rotating the file as needed. */
  private _nextChunk(batch: Batch, force: boolean): Chunk | undefined {
    const n = batch.items.length;
    while (batch.next < n) {
      const file = this._current(force);
      if (!file) {
        this._acct.drop(batch, n - batch.next, this._failReason, true);
        batch.next = n;
        return undefined;
      }
      const rotating = file.regular && this._maxFileBytes !== Infinity && batch.rotations < MAX_ROTATIONS_PER_BATCH && Date.now() >= this._rotateBlockedUntil;
      if (rotating && file.size > 0 && file.size + batch.items[batch.next]!.bytes > this._maxFileBytes) {
        batch.rotations++;
        this._rotate(file);
        continue;
      }
      const room = rotating ? this._maxFileBytes - file.size : Infinity;
      let to = batch.next;
      let total = 0;
      while (to < n) {
        const b = batch.items[to]!.bytes;
        if (to > batch.next && (total + b > WRITE_CHUNK_BYTES || total + b > room)) break;
        total += b;
        to++;
      }
      return { file, buf: buildChunk(batch.items, batch.next, to, total), from: batch.next, to };
    }
    return undefined;
  }

  private _afterChunk(batch: Batch, chunk: Chunk, out: Outcome): void {
    const { file, from, to } = chunk;
    if (file.regular) file.size += out.written;
    if (out.error === undefined && out.written === chunk.buf.length) {
      batch.written += to - from;
      batch.next = to;
      this._acct.recovered();
      return;
    }
    // Lines wholly inside the bytes that made it are delivered; a torn one is cut off when
    // the file is next opened (repairTail), so the next batch starts on a fresh line.
    let k = from;
    for (let acc = 0; k < to && acc + batch.items[k]!.bytes <= out.written; k++) acc += batch.items[k]!.bytes;
    batch.written += k - from;
    batch.next = k;
    const reason = out.error === undefined ? "short_write" : reasonOf(out.error);
    this._fail(reason, out.error, file);
    this._acct.drop(batch, batch.items.length - k, reason, true);
    batch.next = batch.items.length;
  }

  /** The open file, after the periodic path check; opens one when the retry interval allows. */
  private _current(force: boolean): OpenFile | undefined {
    const now = Date.now();
    let file = this._file;
    if (file && file.regular && now >= this._nextPathCheck) {
      this._nextPathCheck = now + PATH_CHECK_MS;
      if (!pathStillNames(this.path, file)) {
        log.info(`${this.path} was moved or replaced: reopening it`);
        this._release(file);
        file = undefined;
      }
    }
    if (file) return file;
    if (!force && now - this._failedAt < this._retryMs) return undefined;
    return this._open();
  }

  private _open(): OpenFile | undefined {
    try {
      const opened = openSpanFile(this.path, this._mode);
      const file = opened.file;
      if (opened.insecureDirMode !== undefined) {
        this._acct.warnOnce("insecure_dir", `the directory of ${this.path} is group- or world-writable without the sticky bit (mode ${opened.insecureDirMode.toString(8)}): another user could replace the span file`);
      }
      if (!opened.created && file.regular && !OPEN_PATHS.get(this.path)) this._repair(file);
      this._file = file;
      OPEN_PATHS.set(this.path, (OPEN_PATHS.get(this.path) ?? 0) + 1);
      this._nextPathCheck = Date.now() + PATH_CHECK_MS;
      return file;
    } catch (err) {
      this._fail(reasonOf(err), err);
      return undefined;
    }
  }

  private _repair(file: OpenFile): void {
    try {
      const r = repairTail(this.path, file, this._maxLineBytes + 1);
      if (r.removed > 0 || r.fenced) this._acct.repaired(r.removed, r.fenced);
    } catch (err) {
      log.warn(`could not check the last line of ${this.path} (${reasonOf(err)}): a torn line may remain`);
    }
  }

  private _rotate(file: OpenFile): void {
    const ours = pathStillNames(this.path, file);
    this._release(file);
    if (!ours) return; // someone else rotated or replaced it: just open the new file
    try {
      shiftFiles(this.path, this._maxFiles);
      this._acct.rotated();
    } catch (err) {
      this._rotateBlockedUntil = Date.now() + Math.max(this._retryMs, PATH_CHECK_MS);
      log.warn(`could not rotate ${this.path} (${reasonOf(err)}): writing past maxFileBytes for now`);
    }
  }

  private _release(file: OpenFile): void {
    if (this._file === file) {
      this._file = undefined;
      const n = (OPEN_PATHS.get(this.path) ?? 1) - 1;
      if (n > 0) OPEN_PATHS.set(this.path, n);
      else OPEN_PATHS.delete(this.path);
    }
    retireFile(file);
  }

  private _fail(reason: string, err: unknown, file?: OpenFile): void {
    if (file) this._release(file);
    this._failedAt = Date.now();
    this._failReason = reason;
    this._acct.failed(reason, err, this._retryMs);
  }
}
