/** The `canonspan` command line, run as a child process from the build (CI builds before testing). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { makeSpan } from "../helpers/spans";

const CLI = join(__dirname, "..", "..", "dist", "cli.cjs");

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.FORCE_COLOR; // an empty FORCE_COLOR turns colours on
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("canonspan CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "canonspan-cli-"));
  const file = join(dir, "spans.jsonl");
  const rec = toCanonicalSpan(makeSpan({ name: "chat \u001b[31mred", attributes: { "gen_ai.operation.name": "chat", "gen_ai.response.model": "m", "gen_ai.usage.input_tokens": 5, "gen_ai.usage.output_tokens": 2 } }));
  writeFileSync(file, `${JSON.stringify(rec)}\nnot json\n{"schema":"other"}\n`);

  it("stats: one line, and bad lines counted on stderr", () => {
    const r = run(["stats", file]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("1 spans in 1 trace · m: 1 call, 5 in / 2 out tokens · 0 errors");
    expect(r.stderr).toContain("skipped 2 line(s)");
  });

  it("stats --json: the summary as JSON", () => {
    const r = run(["stats", "--json", file]);
    expect(JSON.parse(r.stdout)).toMatchObject({ spans: 1, totalTokens: 7, badLines: 2, byType: { LLM: 1 } });
  });

  it("tree: the trace with escaped control characters", () => {
    const r = run(["tree", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("LLM chat \\x1b[31mred");
    expect(r.stdout).not.toContain("\u001b");
  });

  it("usage errors exit 2", () => {
    expect(run([]).code).toBe(2);
    expect(run(["bogus", file]).code).toBe(2);
    expect(run(["--help"]).code).toBe(0);
  });
});
