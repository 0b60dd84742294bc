import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { FileSink } from "../../src/sinks/file-sink";
import { encodeLine } from "../../src/serialize/jsonl";
import { captureDiag, indices, records, tempDir } from "./fixtures/file-helpers";

let dir: string;
let cleanup: () => void;
let file: string;
let log: ReturnType<typeof captureDiag>;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, "spans.jsonl");
  log = captureDiag();
});
afterEach(() => {
  jest.restoreAllMocks();
  log.restore();
  cleanup();
});

type WriteCb = (err: NodeJS.ErrnoException | null, written?: number) => void;
const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

/** Replaces `fs.write` with `impl(fd, buf, off, len, cb)` (the sink always passes five arguments). */
function mockWrite(impl: (fd: number, buf: Buffer, off: number, len: number, cb: WriteCb) => void) {
  return jest.spyOn(fs, "write").mockImplementation(((fd: number, buf: Buffer, off: number, len: number, _pos: null, cb: WriteCb) =>
    impl(fd, buf, off, len, cb)) as unknown as typeof fs.write);
}

const hasDevFull = fs.existsSync("/dev/full");
(hasDevFull ? it : it.skip)("counts ENOSPC from /dev/full, warns once, never throws (C1)", async () => {
  const sink = new FileSink({ path: "/dev/full", retryIntervalMillis: 0 });
  await expect(sink.write(records(3))).resolves.toEqual({ ok: false, dropped: 3, reason: "enospc" });
  await expect(sink.write(records(2))).resolves.toEqual({ ok: false, dropped: 2, reason: "enospc" });
  expect(() => sink.writeSync(records(4))).not.toThrow();
  expect(sink.stats()).toMatchObject({ written: 0, dropped: { enospc: 9 } });
  expect(log.warn.filter((m) => m.includes("cannot write /dev/full (ENOSPC)"))).toHaveLength(1);
  await sink.shutdown();
});

it("resumes without a restart once the path is writable again", async () => {
  const blocker = path.join(dir, "sub");
  fs.writeFileSync(blocker, "a file where the directory should be");
  const target = path.join(blocker, "spans.jsonl");
  const sink = new FileSink({ path: target, retryIntervalMillis: 0 });
  await expect(sink.write(records(2))).resolves.toEqual({ ok: false, dropped: 2, reason: "enotdir" });
  fs.unlinkSync(blocker);
  await expect(sink.write(records(2, 0, 2))).resolves.toEqual({ ok: true });
  expect(indices(target)).toEqual([2, 3]);
  expect(log.info.some((m) => m.includes("again (2 spans dropped meanwhile)"))).toBe(true);
  await sink.shutdown();
});

it("does not touch the disk again before the retry interval has passed", async () => {
  const blocker = path.join(dir, "sub");
  fs.writeFileSync(blocker, "");
  const sink = new FileSink({ path: path.join(blocker, "spans.jsonl"), retryIntervalMillis: 60_000 });
  const open = jest.spyOn(fs, "openSync");
  await expect(sink.write(records(2))).resolves.toEqual({ ok: false, dropped: 2, reason: "enotdir" });
  await expect(sink.write(records(1))).resolves.toEqual({ ok: false, dropped: 1, reason: "enotdir" });
  expect(open).not.toHaveBeenCalled();
  sink.writeSync(records(1)); // the exit path tries once more whatever the interval
  expect(open).toHaveBeenCalled();
});

it("after a short write then ENOSPC, delivers the whole lines, drops the rest and repairs the torn tail", async () => {
  const sink = new FileSink({ path: file, retryIntervalMillis: 0 });
  const batch = records(10, 200);
  const lineBytes = Buffer.byteLength(encodeLine(batch[0]));
  let calls = 0;
  const write = mockWrite((fd, buf, off, len, cb) => {
    calls++;
    if (calls === 1) {
      const n = fs.writeSync(fd, buf, off, Math.floor(lineBytes * 3.5)); // 3 lines and half of the 4th
      process.nextTick(() => cb(null, n));
    } else process.nextTick(() => cb(errno("ENOSPC")));
  });
  await expect(sink.write(batch)).resolves.toEqual({ ok: false, dropped: 7, reason: "enospc" });
  expect(fs.readFileSync(file, "utf8").endsWith("\n")).toBe(false);
  write.mockRestore();
  await expect(sink.write(records(2, 0, 10))).resolves.toEqual({ ok: true });
  expect(indices(file)).toEqual([0, 1, 2, 10, 11]);
  expect(sink.stats()).toMatchObject({ written: 5, repairs: 1, dropped: { enospc: 7 } });
  await sink.shutdown();
});

it.each(["EBADF", "EPIPE", "EROFS", "EACCES", "EIO"])("reports %s, closes the file and reopens it next time", async (code) => {
  const sink = new FileSink({ path: file, retryIntervalMillis: 0 });
  const close = jest.spyOn(fs, "closeSync");
  const write = mockWrite((_fd, _buf, _off, _len, cb) => process.nextTick(() => cb(errno(code))));
  await expect(sink.write(records(2))).resolves.toEqual({ ok: false, dropped: 2, reason: code.toLowerCase() });
  expect(close).toHaveBeenCalled();
  write.mockRestore();
  await expect(sink.write(records(1, 0, 2))).resolves.toEqual({ ok: true });
  expect(indices(file)).toEqual([2]);
  await sink.shutdown();
});

it("turns a synchronous throw inside fs.write into a result, never a rejection", async () => {
  const sink = new FileSink({ path: file, retryIntervalMillis: 0 });
  jest.spyOn(fs, "write").mockImplementation(() => {
    throw new TypeError("boom");
  });
  await expect(sink.write(records(2))).resolves.toEqual({ ok: false, dropped: 2, reason: "write_error" });
});

it("reports EISDIR when the path is a directory", async () => {
  fs.mkdirSync(file);
  const sink = new FileSink({ path: file });
  await expect(sink.write(records(1))).resolves.toEqual({ ok: false, dropped: 1, reason: "eisdir" });
});

let hasMkfifo = false;
try {
  execFileSync("mkfifo", ["--version"], { stdio: "ignore" });
  hasMkfifo = true;
} catch {
  /* no mkfifo here */
}
(hasMkfifo ? it : it.skip)("refuses a FIFO at the path without blocking on it (C5)", async () => {
  execFileSync("mkfifo", [file]);
  const sink = new FileSink({ path: file }); // would hang on a blocking open with no reader
  const result = await sink.write(records(1));
  expect(result).toMatchObject({ ok: false, dropped: 1 });
  expect(["not_regular_file", "enxio"]).toContain((result as { reason: string }).reason);
});
