/**
 * Size rotation for FileSink: `spans.jsonl` → `spans.jsonl.1` → … → `spans.jsonl.<maxFiles-1>`,
 * the oldest deleted, so at most `maxFiles` files exist (the active one included).
 *
 * `rename` and `unlink` act on directory entries and never follow a symlink, so a link planted
 * at a rotated name is moved or removed itself, never its target.
 */
import fs from "node:fs";

/** The name of the `n`-th rotated file (`n` ≥ 1). */
export function rotatedName(path: string, n: number): string {
  return `${path}.${n}`;
}

function ignoreMissing(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if ((err as { code?: unknown }).code !== "ENOENT") throw err;
  }
}

/**
 * Shifts the rotated files by one and moves `path` to `path.1` (with `maxFiles` 1 the active
 * file is simply deleted). Throws fs errors other than `ENOENT`.
 */
export function shiftFiles(path: string, maxFiles: number): void {
  if (maxFiles <= 1) {
    ignoreMissing(() => fs.unlinkSync(path));
    return;
  }
  ignoreMissing(() => fs.unlinkSync(rotatedName(path, maxFiles - 1)));
  for (let n = maxFiles - 2; n >= 1; n--) {
    ignoreMissing(() => fs.renameSync(rotatedName(path, n), rotatedName(path, n + 1)));
  }
  ignoreMissing(() => fs.renameSync(path, rotatedName(path, 1)));
}
