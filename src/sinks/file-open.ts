/**
 * Opening the FileSink's file safely (RELIABILITY.md §4.5, fault C4).
 *
 * - `O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW` (libuv adds `O_CLOEXEC`): a symlink at the
 *   path is refused with `ELOOP`, never followed. `O_NONBLOCK` too, so a FIFO planted at the
 *   path cannot block the opening thread (it is then refused as not a regular file).
 * - A file we create gets exactly `mode` (default 0600): creation uses `O_EXCL` so we know it
 *   is ours, then `fchmod` on the descriptor (never the path) undoes a restrictive umask.
 *   An existing file keeps its mode: someone chose it.
 * - A missing directory is created with mode 0700.
 * - Directory trust: when the directory is group- or world-writable, another user can plant
 *   files there, so the opened file must belong to us (else `not_owner`), and without the
 *   sticky bit (which stops others renaming or deleting our file, as in `/tmp`) the sink
 *   warns once that the file can be replaced.
 */
import fs from "node:fs";
import nodePath from "node:path";

const C = fs.constants;
// Windows has no O_NOFOLLOW / O_NONBLOCK: `?? 0` keeps the sink usable there (documented).
const BASE_FLAGS = C.O_WRONLY | C.O_APPEND | (C.O_NOFOLLOW ?? 0) | (C.O_NONBLOCK ?? 0);
const DIR_MODE = 0o700;

/** An open span file. `pending` counts async writes in flight: the fd is closed only at 0. */
export interface OpenFile {
  /** -1 once closed. */
  fd: number;
  readonly dev: number;
  readonly ino: number;
  /** A regular file (rotation and tail repair apply), else a character device such as /dev/null. */
  readonly regular: boolean;
  /** Bytes in the file: its size at open plus what we wrote since. */
  size: number;
  pending: number;
  retired: boolean;
}

/** The result of {@link openSpanFile}. */
export interface Opened {
  file: OpenFile;
  /** We created the file (it was absent). */
  created: boolean;
  /** The directory's permission bits when it is group- or world-writable without the sticky bit. */
  insecureDirMode?: number;
}

/** An opening failure with a drop reason (`symlink`, `not_regular_file`, `not_owner`, or an errno name). */
export class FileOpenError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "FileOpenError";
  }
}

/** Maps an fs error to a short drop reason: `ELOOP` → `symlink`, other codes lowercased. */
export function reasonOf(err: unknown): string {
  if (err instanceof FileOpenError) return err.reason;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ELOOP") return "symlink";
  if (typeof code === "string" && /^E[A-Z0-9]{1,15}$/.test(code)) return code.toLowerCase();
  return "write_error";
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Opens with `O_EXCL` first so a created file can be told from an existing one. */
function openFd(path: string, mode: number): { fd: number; created: boolean } {
  let madeDir = false;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return { fd: fs.openSync(path, BASE_FLAGS | C.O_CREAT | C.O_EXCL, mode), created: true };
    } catch (err) {
      const code = errnoOf(err);
      if (code === "ENOENT" && !madeDir) {
        fs.mkdirSync(nodePath.dirname(path), { recursive: true, mode: DIR_MODE });
        madeDir = true;
        continue;
      }
      if (code !== "EEXIST") throw err;
    }
    try {
      return { fd: fs.openSync(path, BASE_FLAGS), created: false };
    } catch (err) {
      // Deleted between the two opens (a rotation elsewhere): go round again.
      if (errnoOf(err) !== "ENOENT") throw err;
    }
  }
  throw new FileOpenError("enoent", `cannot open ${path}: it keeps disappearing`, "ENOENT");
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    /* already closed */
  }
}

function euid(): number | undefined {
  return typeof process.geteuid === "function" ? process.geteuid() : undefined;
}

/**
 * Opens (creating if needed) the span file at the absolute `path`. Throws an fs error or a
 * {@link FileOpenError}; the caller maps it with {@link reasonOf}.
 */
export function openSpanFile(path: string, mode: number): Opened {
  const { fd, created } = openFd(path, mode);
  try {
    const st = fs.fstatSync(fd);
    const regular = st.isFile();
    if (!regular && !st.isCharacterDevice()) {
      throw new FileOpenError("not_regular_file", `${path} is not a regular file`);
    }
    if (created) fs.fchmodSync(fd, mode);
    const dirMode = fs.statSync(nodePath.dirname(path)).mode;
    const me = euid();
    const othersMayWrite = (dirMode & 0o022) !== 0;
    if (regular && othersMayWrite && me !== undefined && st.uid !== me) {
      throw new FileOpenError("not_owner", `${path} belongs to another user in a directory others can write`);
    }
    const file: OpenFile = { fd, dev: st.dev, ino: st.ino, regular, size: regular ? st.size : 0, pending: 0, retired: false };
    const sticky = (dirMode & 0o1000) !== 0;
    return othersMayWrite && !sticky ? { file, created, insecureDirMode: dirMode & 0o7777 } : { file, created };
  } catch (err) {
    closeQuietly(fd);
    throw err;
  }
}

/** Closes `file` now, or when its last async write settles. Idempotent. */
export function retireFile(file: OpenFile): void {
  if (!file.retired) file.retired = true;
  if (file.pending === 0 && file.fd >= 0) {
    closeQuietly(file.fd);
    file.fd = -1;
  }
}

/** True when `path` still names `file` (not renamed, deleted or replaced, e.g. by logrotate). */
export function pathStillNames(path: string, file: OpenFile): boolean {
  try {
    const st = fs.lstatSync(path);
    return st.ino === file.ino && st.dev === file.dev;
  } catch {
    return false;
  }
}
