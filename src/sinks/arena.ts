/**
 * Off-heap storage of encoded records while they wait for their batch (FileSink lines, OtlpSink
 * OTLP/JSON spans).
 *
 * A line encoded on arrival used to wait in the sink's backlog as a JS string until its batch
 * was written: with the batch filling over two or three event-loop turns, most lines outlived a
 * young-generation GC, were copied and then promoted (measured: ~2.4 KB promoted per span, a
 * fifth of the in-thread pipeline's GC time). Here each line is written as UTF-8 into a pooled
 * 1 MiB Buffer as soon as it is encoded, so its string dies young, and a batch of consecutive
 * lines is written straight from that Buffer (no copy into a chunk).
 *
 * An arena is reused only once every line in it was released by the sink after its write
 * settled; lines a backlog dropped are never released, and their arena is simply collected.
 */

/** Size of a pooled arena; a longer line gets a buffer of its own. */
export const ARENA_BYTES = 1024 * 1024;
/** Released arenas kept for reuse. */
const POOL_MAX = 4;

interface Arena {
  readonly buf: Buffer;
  /** Next free byte. */
  off: number;
  /** Lines stored and not released yet. */
  pending: number;
}

/** A line's UTF-8 bytes, newline included: `[start, end)` of an arena's buffer. */
export interface LineBytes {
  readonly arena: Arena;
  readonly start: number;
  readonly end: number;
}

export function isLineBytes(v: unknown): v is LineBytes {
  return typeof v === "object" && v !== null && (v as LineBytes).arena !== undefined;
}

/** The bytes of `line`, as a view of its arena (valid until the line is released). */
export function lineView(line: LineBytes): Buffer {
  return line.arena.buf.subarray(line.start, line.end);
}

export class LineArenas {
  private _current: Arena | undefined;
  private readonly _pool: Arena[] = [];

  /** Stores `text` (and a newline unless `newline` is false) as UTF-8; release it once written (or given up). */
  add(text: string, newline = true): LineBytes {
    const need = text.length * 3 + 1; // UTF-8 needs at most 3 bytes per UTF-16 unit
    let arena = this._current;
    if (!arena || arena.buf.length - arena.off < need) arena = this._next(need);
    const start = arena.off;
    const n = arena.buf.write(text, start, "utf8");
    if (newline) arena.buf[start + n] = 10;
    arena.off = start + n + (newline ? 1 : 0);
    arena.pending++;
    return { arena, start, end: arena.off };
  }

  /** Takes back the last line added (refused after sizing): its bytes are reused. */
  undo(line: LineBytes): void {
    const arena = line.arena;
    if (arena.off === line.end) arena.off = line.start;
    this.release(line);
  }

  /** The sink is done with `line` (written or given up). */
  release(line: LineBytes): void {
    const arena = line.arena;
    if (--arena.pending > 0) return;
    if (arena === this._current) arena.off = 0; // nothing in it is waiting: start over
    else if (arena.buf.length === ARENA_BYTES && this._pool.length < POOL_MAX && !this._pool.includes(arena)) {
      arena.off = 0;
      this._pool.push(arena);
    }
  }

  private _next(need: number): Arena {
    const old = this._current;
    if (old && old.pending === 0 && old.buf.length === ARENA_BYTES && this._pool.length < POOL_MAX) {
      old.off = 0;
      this._pool.push(old);
    }
    const arena = need <= ARENA_BYTES ? this._pool.pop() ?? { buf: Buffer.allocUnsafe(ARENA_BYTES), off: 0, pending: 0 } : { buf: Buffer.allocUnsafe(need), off: 0, pending: 0 };
    this._current = arena;
    return arena;
  }
}
