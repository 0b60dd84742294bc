/**
 * Torn-tail repair (RELIABILITY.md faults B5, C6): a file that does not end with `\n` ends
 * with the start of a line a crash (kill -9, OOM, full disk) cut short. Truncating back to
 * just after the last `\n` makes every line in the file parse again, and the next record
 * start on a fresh line.
 *
 * Safety: the tail is read through a separate `O_RDONLY | O_NOFOLLOW` descriptor that must
 * name the same inode as the write descriptor; the truncation uses the write descriptor, so
 * only the file we opened is ever cut. The backward scan is bounded: when no `\n` appears in
 * the last `maxScanBytes` the tail cannot be one of our lines (they are capped), so it is
 * fenced off with a `\n` rather than deleting an unknown amount of someone else's data.
 *
 * Caveat (documented on FileSink): another *process* appending to the same file at the very
 * moment this runs could have its line cut; in-process sinks sharing a path skip the repair.
 */
import fs from "node:fs";
import type { OpenFile } from "./file-open";

const SCAN_CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export interface RepairResult {
  /** Bytes removed from the end of the file. */
  removed: number;
  /** A `\n` was appended instead (no line start found within the scan bound). */
  fenced: boolean;
}

const NOTHING: RepairResult = { removed: 0, fenced: false };

/** Repairs a torn last line of `file` (open at `path`). Throws fs errors to the caller. */
export function repairTail(path: string, file: OpenFile, maxScanBytes: number): RepairResult {
  if (!file.regular) return NOTHING;
  const size = fs.fstatSync(file.fd).size;
  file.size = size;
  if (size === 0) return NOTHING;
  const rd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(rd);
    if (st.ino !== file.ino || st.dev !== file.dev) return NOTHING; // the path moved on: not ours
    const lastNewline = findLastNewline(rd, size, maxScanBytes);
    if (lastNewline === size - 1) return NOTHING;
    if (lastNewline === -1 && size > maxScanBytes) {
      fs.writeSync(file.fd, "\n");
      file.size = size + 1;
      return { removed: 0, fenced: true };
    }
    const keep = lastNewline + 1;
    fs.ftruncateSync(file.fd, keep);
    file.size = keep;
    return { removed: size - keep, fenced: false };
  } finally {
    fs.closeSync(rd);
  }
}

/** Offset of the last `\n` within the last `limit` bytes of a `size`-byte file, or -1. */
function findLastNewline(fd: number, size: number, limit: number): number {
  const buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, size));
  const stop = Math.max(0, size - limit - 1);
  let end = size;
  while (end > stop) {
    const start = Math.max(stop, end - buf.length);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    if (n <= 0) return -1;
    const at = buf.subarray(0, n).lastIndexOf(NEWLINE);
    if (at !== -1) return start + at;
    end = start;
  }
  return -1;
}
