import fs from "node:fs";
import path from "node:path";
import { FileSink } from "../../src/sinks/file-sink";
import { shiftFiles } from "../../src/sinks/file-rotation";
import { indices, records, tempDir } from "./fixtures/file-helpers";

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, "spans.jsonl");
});
afterEach(() => cleanup());

function lineBytes(): number {
  const probe = path.join(dir, "probe.jsonl");
  new FileSink({ path: probe, maxFileBytes: Infinity }).writeSync(records(1, 200, 100));
  return fs.statSync(probe).size;
}

describe("FileSink size rotation", () => {
  it("rotates before a file would pass maxFileBytes and keeps at most maxFiles files", async () => {
    const size = lineBytes(); // records 100…199 all have the same line length
    const sink = new FileSink({ path: file, maxFileBytes: size * 3, maxFiles: 3 });
    for (let i = 100; i < 120; i += 4) await sink.write(records(4, 200, i));
    const names = fs.readdirSync(dir).filter((n) => n.startsWith("spans.jsonl")).sort();
    expect(names).toEqual(["spans.jsonl", "spans.jsonl.1", "spans.jsonl.2"]);
    for (const n of names) expect(fs.statSync(path.join(dir, n)).size).toBeLessThanOrEqual(size * 3);
    // Newest in the active file, older ones shifted up, the oldest deleted.
    expect(indices(file)).toEqual([118, 119]);
    expect(indices(`${file}.1`)).toEqual([115, 116, 117]);
    expect(indices(`${file}.2`)).toEqual([112, 113, 114]);
    expect(sink.stats().rotations).toBe(6);
    expect(fs.statSync(`${file}.1`).mode & 0o777).toBe(0o600);
    await sink.shutdown();
  });

  it("writes a line longer than maxFileBytes alone into a fresh file", async () => {
    const sink = new FileSink({ path: file, maxFileBytes: 1000, maxFiles: 4 });
    await sink.write([...records(1, 0, 0), ...records(1, 5000, 1), ...records(1, 0, 2)]);
    expect(indices(`${file}.2`)).toEqual([0]);
    expect(indices(`${file}.1`)).toEqual([1]);
    expect(indices(file)).toEqual([2]);
    await sink.shutdown();
  });

  it("with maxFiles 1 keeps only the active file", async () => {
    const sink = new FileSink({ path: file, maxFileBytes: 2000, maxFiles: 1 });
    for (let i = 0; i < 10; i++) await sink.write(records(1, 600, i));
    expect(fs.readdirSync(dir).filter((n) => n.startsWith("spans.jsonl"))).toEqual(["spans.jsonl"]);
    expect(indices(file).at(-1)).toBe(9);
    await sink.shutdown();
  });

  it("rotates an existing file that is already over the limit on the first write", async () => {
    fs.writeFileSync(file, `${JSON.stringify({ old: true })}\n`.repeat(100));
    const sink = new FileSink({ path: file, maxFileBytes: 1024 });
    await sink.write(records(1));
    expect(indices(file)).toEqual([0]);
    expect(fs.readFileSync(`${file}.1`, "utf8").split("\n")).toHaveLength(101);
    await sink.shutdown();
  });

  it("moves symlinks planted at rotated names instead of writing through them", () => {
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "keep");
    fs.writeFileSync(file, "a\n");
    fs.symlinkSync(victim, `${file}.1`);
    fs.symlinkSync(victim, `${file}.2`);
    shiftFiles(file, 3);
    expect(fs.readFileSync(victim, "utf8")).toBe("keep");
    expect(fs.lstatSync(`${file}.2`).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(`${file}.1`, "utf8")).toBe("a\n");
    expect(fs.existsSync(file)).toBe(false);
  });
});
