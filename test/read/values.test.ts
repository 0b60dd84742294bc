import { asStringList, hasOwnKeys } from "../../src/read/values";
import { normalizeFinishReasons } from "../../src/read/finish";
import { providerFromHost } from "../../src/read/provider";

describe("hasOwnKeys", () => {
  it("is true only for objects with an own enumerable key", () => {
    expect(hasOwnKeys({})).toBe(false);
    expect(hasOwnKeys({ a: undefined })).toBe(true);
    expect(hasOwnKeys(Object.create({ inherited: 1 }))).toBe(false);
    expect(hasOwnKeys(Object.defineProperty({}, "hidden", { value: 1, enumerable: false }))).toBe(false);
  });
});

describe("absent values", () => {
  it("give undefined without a list", () => {
    expect(asStringList(undefined)).toBeUndefined();
    expect(normalizeFinishReasons(undefined)).toBeUndefined();
    expect(normalizeFinishReasons(["STOP", "", 3, "tool_calls"])).toEqual(["stop", "tool_call"]);
  });
});

describe("providerFromHost", () => {
  it.each([
    ["api.openai.com", "openai"],
    ["https://api.openai.com/v1/chat", "openai"],
    ["API.ANTHROPIC.COM:443", "anthropic"],
    ["x.openai.azure.com/path", "azure_openai"],
    ["", undefined],
    ["https://", undefined],
    ["example.com", undefined],
  ])("%p → %p", (host, provider) => {
    expect(providerFromHost(host)).toBe(provider);
  });
});
