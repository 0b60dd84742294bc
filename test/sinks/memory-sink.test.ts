import { MemorySink } from "../../src/sinks/memory-sink";
import { records } from "./fixtures/file-helpers";

const ids = (sink: MemorySink) => sink.records.map((r) => r.extras["app.i"]);

describe("MemorySink", () => {
  it("keeps written records in order, as the same objects", async () => {
    const sink = new MemorySink();
    const batch = records(3);
    await expect(sink.write(batch)).resolves.toEqual({ ok: true });
    sink.writeSync(records(2, 0, 3));
    expect(ids(sink)).toEqual([0, 1, 2, 3, 4]);
    expect(sink.records[0]).toBe(batch[0]);
    expect(sink.getRecords()).toEqual(sink.records);
    expect(sink.getRecords()).not.toBe(sink.records);
  });

  it("evicts the oldest records past maxRecords and counts them", async () => {
    const sink = new MemorySink({ maxRecords: 5 });
    for (let i = 0; i < 23; i += 3) await sink.write(records(3, 0, i));
    expect(ids(sink)).toEqual([19, 20, 21, 22, 23]);
    expect(sink.evicted).toBe(19);
    await sink.write(records(12, 0, 100)); // a batch larger than the cap keeps its newest records
    expect(ids(sink)).toEqual([107, 108, 109, 110, 111]);
    expect(sink.evicted).toBe(31);
  });

  it("stays bounded over many writes", async () => {
    const sink = new MemorySink({ maxRecords: 100 });
    const one = records(1);
    for (let i = 0; i < 50_000; i++) await sink.write(one);
    expect(sink.records).toHaveLength(100);
    expect(sink.evicted).toBe(49_900);
  });

  it("defaults to 10,000 records", async () => {
    const sink = new MemorySink();
    const one = records(1);
    for (let i = 0; i < 10_001; i++) sink.writeSync(one);
    expect(sink.records).toHaveLength(10_000);
    expect(sink.evicted).toBe(1);
  });

  it("clear() forgets the records; shutdown refuses later writes but keeps what it has", async () => {
    const sink = new MemorySink();
    await sink.write(records(2));
    sink.clear();
    expect(sink.records).toEqual([]);
    await sink.write(records(1, 0, 7));
    await sink.shutdown();
    await sink.shutdown();
    await expect(sink.write(records(4))).resolves.toEqual({ ok: false, dropped: 4, reason: "shutdown" });
    sink.writeSync(records(1));
    expect(ids(sink)).toEqual([7]);
    expect(sink.dropped).toBe(5);
  });

  it("rejects an invalid maxRecords", () => {
    expect(() => new MemorySink({ maxRecords: 0 })).toThrow(TypeError);
    expect(() => new MemorySink({ maxRecords: 1.5 })).toThrow(TypeError);
  });
});
