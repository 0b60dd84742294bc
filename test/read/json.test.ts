import { setOwn, withFastProperties } from "../../src/read/json";

describe("withFastProperties", () => {
  it("returns small objects as they are", () => {
    const o = { a: 1 };
    expect(withFastProperties(o, 1)).toBe(o);
  });

  it("copies large objects with the same keys, order and JSON", () => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) setOwn(o, i === 7 ? "__proto__" : i === 9 ? "12" : `k${i}`, i);
    const copy = withFastProperties(o, 30);
    expect(copy).not.toBe(o);
    expect(Object.keys(copy)).toEqual(Object.keys(o));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(o));
    // `__proto__` stays an own data property; the prototype is untouched.
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value).toBe(7);
  });
});
