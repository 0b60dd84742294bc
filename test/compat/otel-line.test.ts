/**
 * Which OTel JS SDK line the suite runs on: `npm test` runs the 2.x line on the machine's Node,
 * `npm run test:otel3` the 3.x line on Node 22 (CANONSPAN_OTEL_LINE=3). This pins that the
 * second lane really loads the 3.x packages, so a green run means what it says.
 */
import { defaultResource } from "@opentelemetry/resources";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

const line = process.env.CANONSPAN_OTEL_LINE === "3" ? 3 : 2;

describe(`OTel JS SDK ${line}.x line`, () => {
  it("loads the expected SDK major on a supported Node", () => {
    // The SDK's default resource carries its own version.
    const sdkVersion = String(defaultResource().attributes["telemetry.sdk.version"]);
    expect(Number(sdkVersion.split(".")[0])).toBe(line);
    const nodeMajor = Number(process.versions.node.split(".")[0]);
    if (line === 3) expect(nodeMajor).toBeGreaterThanOrEqual(22);
    else expect(nodeMajor).toBeGreaterThanOrEqual(18);
  });

  it("converts the spans this SDK line produces", () => {
    const r = toCanonicalSpan(makeSpan({ name: "chat m", attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m" } }));
    expect(r.type).toBe("LLM");
    expect(r.scope.name).toBe("test-scope");
    expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
