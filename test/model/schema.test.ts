import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

const root = join(__dirname, "..", "..");

describe("schema.json", () => {
  it("is the output of scripts/schema.mjs (regenerate it after changing the record)", () => {
    const generated = execFileSync(process.execPath, [join(root, "scripts", "schema.mjs"), "--print"], { encoding: "utf8" });
    expect(readFileSync(join(root, "schema.json"), "utf8")).toBe(generated);
  });

  it("accepts a converted record and rejects a broken one", () => {
    const r = toCanonicalSpan(makeSpan({ name: "chat m", attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m" } }));
    expect(() => expectValidRecord(r)).not.toThrow();
    expect(() => expectValidRecord({ ...r, traceId: "XYZ" })).toThrow(/traceId/);
    expect(() => expectValidRecord({ ...r, usage: { inputTokens: -1, aggregate: false } })).toThrow(/usage/);
  });
});
