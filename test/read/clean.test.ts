import { CleanContext } from "../../src/read/clean";

describe("CleanContext.valueAt", () => {
  it.each([["short"], ["x".repeat(10)], ["x".repeat(11)], ["a\uD800b"], [12], [Number.NaN], [true], [[1, "yy".repeat(9)]], [{ k: "v".repeat(20) }]])(
    "cleans %p exactly like value(v, prefix + key)",
    (v) => {
      const a = new CleanContext(10);
      const b = new CleanContext(10);
      expect(a.valueAt(v, "extras.", "key")).toEqual(b.value(v, "extras.key"));
      expect(a.truncated).toEqual(b.truncated);
    },
  );

  it("records the full path of a cut string", () => {
    const c = new CleanContext(3);
    expect(c.valueAt("abcdef", "extras.", "my.key")).toBe("abc…[truncated]");
    expect(c.truncated).toEqual(["extras.my.key"]);
  });
});

describe("CleanContext.attributes", () => {
  it("keeps key order and values of a large attribute map", () => {
    const attrs: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) attrs[`host.attr_${i}`] = i % 2 ? `v${i}` : i;
    const out = new CleanContext(100).attributes(attrs, "resource.attributes");
    expect(Object.keys(out)).toEqual(Object.keys(attrs));
    expect(JSON.stringify(out)).toBe(JSON.stringify(attrs));
  });
});
