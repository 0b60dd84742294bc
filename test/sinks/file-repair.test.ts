import fs from "node:fs";
import path from "node:path";
import { FileSink } from "../../src/sinks/file-sink";
import { openSpanFile, retireFile } from "../../src/sinks/file-open";
import { repairTail } from "../../src/sinks/file-repair";
import { encodeLine } from "../../src/serialize/jsonl";
import { captureDiag, indices, records, tempDir } from "./fixtures/file-helpers";

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, "spans.jsonl");
});
afterEach(() => cleanup());

describe("torn last line repair on start", () => {
  it("truncates a partial last line back to the last newline, counts it and warns", async () => {
    const whole = records(3).map(encodeLine).join("");
    const torn = encodeLine(records(1, 0, 3)[0]).slice(0, 100);
    fs.writeFileSync(file, whole + torn);
    const log = captureDiag();
    try {
      const sink = new FileSink({ path: file });
      expect(fs.readFileSync(file, "utf8")).toBe(whole);
      expect(sink.stats()).toMatchObject({ repairs: 1, repairedBytes: Buffer.byteLength(torn) });
      expect(log.warn.some((m) => m.includes("torn line") && m.includes(`${Buffer.byteLength(torn)} bytes`))).toBe(true);
      await sink.write(records(2, 0, 4));
      expect(indices(file)).toEqual([0, 1, 2, 4, 5]);
      await sink.shutdown();
    } finally {
      log.restore();
    }
  });

  it("leaves a file that ends with a newline byte-for-byte unchanged", () => {
    const text = records(4).map(encodeLine).join("");
    fs.writeFileSync(file, text);
    const sink = new FileSink({ path: file });
    expect(fs.readFileSync(file, "utf8")).toBe(text);
    expect(sink.stats().repairs).toBe(0);
  });

  it("makes every line parse whatever byte a crash cut at (C6, 100 trials)", async () => {
    const text = Buffer.from(records(6, 300).map(encodeLine).join(""));
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === 0x0a) starts.push(i + 1);
    let seed = 12345;
    for (let trial = 0; trial < 100; trial++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const cut = seed % (text.length + 1);
      fs.writeFileSync(file, text.subarray(0, cut));
      const sink = new FileSink({ path: file });
      sink.writeSync(records(1, 0, 99));
      const complete = starts.filter((s) => s > 0 && s <= cut).length;
      expect(indices(file)).toEqual([...[...Array(complete).keys()], 99]);
      await sink.shutdown(); // an open in-process sink on the path would make the next one skip repair
    }
  });

  it("removes a file's only line when it has no newline at all", () => {
    fs.writeFileSync(file, '{"schema":"canonspan/v1","trace');
    const sink = new FileSink({ path: file });
    expect(fs.statSync(file).size).toBe(0);
    expect(sink.stats().repairs).toBe(1);
  });

  it("fences with a newline instead of deleting when no line start is within the line cap", () => {
    const foreign = "z".repeat(5000);
    fs.writeFileSync(file, `{"a":1}\n${foreign}`);
    const sink = new FileSink({ path: file, maxLineBytes: 1024 });
    sink.writeSync(records(1));
    const lines = fs.readFileSync(file, "utf8").split("\n");
    expect(lines.slice(0, 2)).toEqual(['{"a":1}', foreign]);
    expect(JSON.parse(lines[2]!).extras["app.i"]).toBe(0);
    expect(sink.stats()).toMatchObject({ repairs: 1, repairedBytes: 0 });
  });

  it("does not cut the tail while another sink in this process holds the path open", async () => {
    const first = new FileSink({ path: file });
    await first.write(records(1));
    fs.appendFileSync(file, '{"half of a line being written'); // as if `first` were mid-write
    const second = new FileSink({ path: file });
    expect(fs.readFileSync(file, "utf8").endsWith('{"half of a line being written')).toBe(true);
    expect(second.stats().repairs).toBe(0);
    await Promise.all([first.shutdown(), second.shutdown()]);
    const third = new FileSink({ path: file }); // nobody holds it now: repaired
    expect(indices(file)).toEqual([0]);
    expect(third.stats().repairs).toBe(1);
  });

  it("never cuts a file that replaced ours at the path", () => {
    fs.writeFileSync(file, "ours\n");
    const { file: opened } = openSpanFile(file, 0o600);
    const other = path.join(dir, "other");
    fs.writeFileSync(other, "someone else's partial");
    fs.renameSync(other, file);
    expect(repairTail(file, opened, 1 << 20)).toEqual({ removed: 0, fenced: false });
    expect(fs.readFileSync(file, "utf8")).toBe("someone else's partial");
    retireFile(opened);
  });
});
