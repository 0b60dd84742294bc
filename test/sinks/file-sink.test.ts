import fs from "node:fs";
import path from "node:path";
import { FileSink } from "../../src/sinks/file-sink";
import { captureDiag, indices, readLines, records, tempDir } from "./fixtures/file-helpers";

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, "spans.jsonl");
});
afterEach(() => {
  jest.restoreAllMocks();
  cleanup();
});

describe("FileSink: lines and writes", () => {
  it("writes one complete, parsable line per record, in order", async () => {
    const sink = new FileSink({ path: file });
    const batch = records(50);
    await expect(sink.write(batch)).resolves.toEqual({ ok: true });
    await expect(sink.write(records(5, 0, 50))).resolves.toEqual({ ok: true });
    const lines = readLines(file);
    expect(lines).toHaveLength(55);
    expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(JSON.stringify(batch[0])));
    expect(indices(file)).toEqual([...Array(55).keys()]);
    expect(sink.stats()).toMatchObject({ written: 55, dropped: {} });
    await sink.shutdown();
  });

  it("writes a batch with one write call holding whole lines (async and sync)", async () => {
    const write = jest.spyOn(fs, "write");
    const sink = new FileSink({ path: file });
    await sink.write(records(200, 100));
    expect(write).toHaveBeenCalledTimes(1);
    const writeSync = jest.spyOn(fs, "writeSync");
    const syncSink = new FileSink({ path: file, sync: true });
    await syncSink.write(records(200, 100, 200));
    expect(writeSync).toHaveBeenCalledTimes(1);
    expect(indices(file)).toEqual([...Array(400).keys()]);
    await Promise.all([sink.shutdown(), syncSink.shutdown()]);
  });

  it("keeps lines whole when two sinks append to one file concurrently (B9)", async () => {
    const a = new FileSink({ path: file });
    const b = new FileSink({ path: file });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(a.write(records(25, 2000, i * 50)));
      writes.push(b.write(records(25, 2000, i * 50 + 25)));
    }
    await Promise.all(writes);
    expect(indices(file).sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    await Promise.all([a.shutdown(), b.shutdown()]);
  });

  it("writeSync writes synchronously, before returning", () => {
    const sink = new FileSink({ path: file });
    sink.writeSync(records(3));
    expect(indices(file)).toEqual([0, 1, 2]);
    sink.writeSync([]);
    expect(indices(file)).toEqual([0, 1, 2]);
  });

  it("drops a record whose line is over maxLineBytes, never writing part of it", async () => {
    const sink = new FileSink({ path: file, maxLineBytes: 4096 });
    const batch = [...records(2), ...records(1, 10_000, 2), ...records(1, 0, 3)];
    await expect(sink.write(batch)).resolves.toEqual({ ok: false, dropped: 1, reason: "line_too_large" });
    expect(indices(file)).toEqual([0, 1, 3]);
    expect(sink.stats().dropped).toEqual({ line_too_large: 1 });
  });
});

describe("FileSink: files and permissions", () => {
  it.each([0, 0o277])("creates the file 0600 whatever the umask (%o), and a missing directory 0700", async (umask) => {
    const nested = path.join(dir, "a", "b", "spans.jsonl");
    const old = process.umask(umask);
    try {
      const sink = new FileSink({ path: nested });
      await sink.write(records(1));
      await sink.shutdown();
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(nested).mode & 0o777).toBe(0o600);
    if (umask === 0) {
      expect(fs.statSync(path.join(dir, "a")).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, "a", "b")).mode & 0o777).toBe(0o700);
    }
  });

  it("applies a custom mode to files it creates and leaves an existing file's mode alone", async () => {
    const sink = new FileSink({ path: file, mode: 0o640 });
    await sink.shutdown();
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    const other = path.join(dir, "existing.jsonl");
    fs.writeFileSync(other, "", { mode: 0o644 });
    fs.chmodSync(other, 0o644);
    const sink2 = new FileSink({ path: other });
    await sink2.write(records(1));
    expect(fs.statSync(other).mode & 0o777).toBe(0o644);
  });

  it("refuses a symlink at the path: no write through it, counted, one warning (C4)", async () => {
    const log = captureDiag();
    try {
      const victim = path.join(dir, "victim.txt");
      fs.writeFileSync(victim, "precious\n");
      fs.symlinkSync(victim, file);
      const sink = new FileSink({ path: file, retryIntervalMillis: 0 });
      await expect(sink.write(records(2))).resolves.toEqual({ ok: false, dropped: 2, reason: "symlink" });
      await expect(sink.write(records(3))).resolves.toEqual({ ok: false, dropped: 3, reason: "symlink" });
      sink.writeSync(records(1));
      expect(fs.readFileSync(victim, "utf8")).toBe("precious\n");
      expect(sink.stats().dropped).toEqual({ symlink: 6 });
      expect(log.warn.filter((m) => m.includes("symbolic link"))).toHaveLength(1);
    } finally {
      log.restore();
    }
  });

  it("does not create the target of a dangling symlink", async () => {
    const target = path.join(dir, "target.jsonl");
    fs.symlinkSync(target, file);
    const sink = new FileSink({ path: file });
    await expect(sink.write(records(1))).resolves.toMatchObject({ ok: false, reason: "symlink" });
    expect(fs.existsSync(target)).toBe(false);
  });

  it("warns once about a group/world-writable directory without the sticky bit, not with it", async () => {
    const log = captureDiag();
    try {
      const open = path.join(dir, "open");
      const sticky = path.join(dir, "sticky");
      fs.mkdirSync(open);
      fs.mkdirSync(sticky);
      fs.chmodSync(open, 0o777);
      fs.chmodSync(sticky, 0o1777);
      const s1 = new FileSink({ path: path.join(open, "spans.jsonl") });
      await s1.write(records(1));
      s1.reopen();
      await s1.write(records(1));
      expect(log.warn.filter((m) => m.includes("world-writable"))).toHaveLength(1);
      const s2 = new FileSink({ path: path.join(sticky, "spans.jsonl") });
      await expect(s2.write(records(1))).resolves.toEqual({ ok: true });
      expect(log.warn.filter((m) => m.includes("world-writable"))).toHaveLength(1);
    } finally {
      log.restore();
    }
  });

  const asRoot = typeof process.getuid === "function" && process.getuid() === 0 ? it : it.skip;
  asRoot("refuses a file planted by another user in a directory others can write", async () => {
    const shared = path.join(dir, "shared");
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o1777);
    const planted = path.join(shared, "spans.jsonl");
    fs.writeFileSync(planted, "");
    fs.chownSync(planted, 4321, 4321);
    const sink = new FileSink({ path: planted });
    await expect(sink.write(records(1))).resolves.toEqual({ ok: false, dropped: 1, reason: "not_owner" });
    expect(fs.statSync(planted).size).toBe(0);
  });
});

describe("FileSink: lifecycle", () => {
  it("shutdown is idempotent and later writes report shutdown", async () => {
    const sink = new FileSink({ path: file });
    await sink.write(records(2));
    const first = sink.shutdown();
    expect(sink.shutdown()).toBe(first);
    await first;
    await expect(sink.write(records(3))).resolves.toEqual({ ok: false, dropped: 3, reason: "shutdown" });
    sink.writeSync(records(1));
    expect(indices(file)).toEqual([0, 1]);
    expect(sink.stats().dropped).toEqual({ shutdown: 4 });
  });

  it("shutdown and forceFlush wait for the batch in flight", async () => {
    const sink = new FileSink({ path: file });
    const pending = sink.write(records(300, 500));
    await sink.forceFlush();
    expect(readLines(file)).toHaveLength(300);
    const more = sink.write(records(10, 0, 300));
    await sink.shutdown();
    expect(readLines(file)).toHaveLength(310);
    await expect(Promise.all([pending, more])).resolves.toEqual([{ ok: true }, { ok: true }]);
  });

  it("follows the path after an external rotation: reopen() at once, or by itself within a second (C2)", async () => {
    const sink = new FileSink({ path: file });
    await sink.write(records(1));
    fs.renameSync(file, `${file}.old`);
    sink.reopen();
    await sink.write(records(1, 0, 1));
    expect(indices(file)).toEqual([1]);
    fs.renameSync(file, `${file}.older`);
    await new Promise((r) => setTimeout(r, 1200));
    await sink.write(records(1, 0, 2));
    expect(indices(file)).toEqual([2]);
    expect(indices(`${file}.old`)).toEqual([0]);
    expect(indices(`${file}.older`)).toEqual([1]);
  });

  it("rejects invalid options at construction", () => {
    expect(() => new FileSink({ path: "" })).toThrow(TypeError);
    expect(() => new FileSink({ path: file, maxFiles: 0 })).toThrow(/maxFiles/);
    expect(() => new FileSink({ path: file, maxFileBytes: -1 })).toThrow(/maxFileBytes/);
    expect(() => new FileSink({ path: file, mode: 0o20000 })).toThrow(/mode/);
  });
});
