import { spawn } from "node:child_process";
import * as path from "node:path";
import { OtlpReceiver } from "../helpers/otlp-receiver";

const ROOT = path.resolve(__dirname, "../..");

describe("lazy loading", () => {
  it("importing and constructing the sink loads no HTTP, zlib or OTLP encoder code; the first write does", async () => {
    const loaded: string[] = [];
    const track = (name: string) => () => {
      loaded.push(name);
      return jest.requireActual(name);
    };
    let OtlpSinkClass: typeof import("../../src/sinks/otlp-sink").OtlpSink | undefined;
    jest.isolateModules(() => {
      for (const m of ["node:http", "node:https", "http", "https", "node:zlib", "zlib", "@opentelemetry/otlp-transformer"]) jest.doMock(m, track(m));
      OtlpSinkClass = (require("../../src/sinks/otlp-sink") as typeof import("../../src/sinks/otlp-sink")).OtlpSink;
    });
    const rx = await OtlpReceiver.start();
    try {
      const sink = new OtlpSinkClass!({ url: rx.url, compression: "gzip" });
      expect(loaded).toEqual([]);
      const { toCanonicalSpan } = await import("../../src/convert/to-canonical");
      const { makeSpan } = await import("../helpers/spans");
      await expect(sink.write([toCanonicalSpan(makeSpan())])).resolves.toEqual({ ok: true });
      expect(loaded).toEqual(expect.arrayContaining(["node:http", "node:zlib", "@opentelemetry/otlp-transformer"]));
      await sink.shutdown();
    } finally {
      await rx.close();
    }
  });
});

/** Runs `code` in a child Node process that can `require()` our TypeScript sources. */
function runChild(code: string, env: Record<string, string>): Promise<{ code: number | null; ms: number; out: string }> {
  const hook = `
    const swc = require(${JSON.stringify(path.join(ROOT, "node_modules/@swc/core"))});
    const fs = require("fs");
    require.extensions[".ts"] = (m, f) => m._compile(swc.transformSync(fs.readFileSync(f, "utf8"),
      { filename: f, jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }).code, f);
    const { OtlpSink } = require(${JSON.stringify(path.join(ROOT, "src/sinks/otlp-sink.ts"))});
    const { toCanonicalSpan } = require(${JSON.stringify(path.join(ROOT, "src/convert/to-canonical.ts"))});
    const { makeSpan } = require(${JSON.stringify(path.join(ROOT, "test/helpers/spans.ts"))});
  `;
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["-e", hook + code], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (out += String(d)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    child.on("exit", (c) => {
      clearTimeout(killer);
      resolve({ code: c, ms: Date.now() - started, out });
    });
  });
}

describe("never keeps the process alive", () => {
  let rx: OtlpReceiver;
  beforeEach(async () => {
    rx = await OtlpReceiver.start();
  });
  afterEach(() => rx.close());

  it("a write waiting on Retry-After does not hold the process open", async () => {
    rx.failTimes(100, 503, { "retry-after": "30" });
    const r = await runChild(
      `const sink = new OtlpSink({ url: process.env.RX_URL, timeoutMillis: 120000 });
       sink.write([toCanonicalSpan(makeSpan())]);
       setTimeout(() => console.log("main done"), 500);`,
      { RX_URL: rx.url },
    );
    expect(r.out).toContain("main done");
    expect(r.code).toBe(0);
    expect(rx.requests.length).toBe(1);
    expect(r.ms).toBeLessThan(20_000); // the retry would come after 30 s
  });

  it("after shutdown() no socket or timer is left, even with a request hanging", async () => {
    rx.script = () => ({ hang: true });
    const r = await runChild(
      `const sink = new OtlpSink({ url: process.env.RX_URL, timeoutMillis: 120000 });
       const p = sink.write([toCanonicalSpan(makeSpan())]);
       setTimeout(async () => {
         await sink.shutdown();
         const res = await p;
         console.log("result", res.reason);
       }, 500);`,
      { RX_URL: rx.url },
    );
    expect(r.out).toContain("result shutdown");
    expect(r.code).toBe(0);
    expect(rx.requests.length).toBe(1);
    expect(r.ms).toBeLessThan(25_000); // the hanging request alone would hold it for 120 s
  });
});
