// `npm run bench`: the PERFORMANCE.md workload through the stock pipelines and through
// canonspan, each in fresh processes, in one run; prints figures and ratios against the
// baselines of the same run (never absolute targets).
//   BENCH_SPANS (default 100000) spans per run, BENCH_REPEAT (default 5, as PERFORMANCE.md measures) runs per pipeline (median,
//   taken round-robin across the pipelines),
//   BENCH_SCALE (default 1000000) spans for the scale check (0 skips it).
import { spawn, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const SCALE = Number(process.env.BENCH_SCALE ?? 1_000_000);

function startReceiver() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${here}receiver.mjs`], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.once("data", (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once("error", reject);
  });
}

function runChild(pipeline, spans, port) {
  const out = execFileSync(process.execPath, ["--expose-gc", `${here}child.mjs`, pipeline, String(spans), String(port)], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").at(-1));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Medians of `runs` (one pipeline's fresh-process results). */
function summarize(pipeline, runs) {
  const pick = (k) => median(runs.map((r) => r[k] ?? NaN));
  return {
    pipeline, activeUsPerSpan: pick("activeUsPerSpan"), onEndMeanUs: pick("onEndMeanUs"), onEndP999Us: pick("onEndP999Us"),
    onEndMaxUs: Math.max(...runs.map((r) => r.onEndMaxUs)), endsOver1ms: Math.max(...runs.map((r) => r.endsOver1ms)),
    // Slow calls neither a GC pause nor the scheduler explains: the pipeline's own stalls (child.mjs).
    endsOver1msOwn: Math.max(...runs.map((r) => r.endsOver1ms - (r.endsOver1msInGc ?? 0) - (r.endsOver1msPreempted ?? 0))), heapPerQueuedSpan: pick("heapPerQueuedSpan"),
    dropped: Math.max(...runs.map((r) => Object.values(r.dropped ?? {}).reduce((a, b) => a + b, 0))),
    convertedHere: Math.max(...runs.map((r) => r.convertedHere ?? 0)),
    offloadStates: runs.map((r) => r.offloadState ?? "in-thread"),
  };
}

/**
 * Every pipeline REPEAT times, round-robin (none, bsp-noop, …, none, bsp-noop, …): a machine
 * that drifts during the run (a VM neighbour, thermal limits) shifts every pipeline alike,
 * instead of only those measured while it was slow. Ratios are of medians.
 */
function measureAll(names, spans, port) {
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < REPEAT; i++) for (const n of names) runs[n].push(runChild(n, spans, port));
  return Object.fromEntries(names.map((n) => [n, summarize(n, runs[n])]));
}

const { child: receiver, port } = await startReceiver();
try {
  console.log(`canonspan bench: ${SPANS} spans per run, median of ${REPEAT} fresh processes, node ${process.version}\n`);
  // canonspan-file/-otlp: the defaults (offload "auto": the worker takes over once the app is busy;
  // warmed up until it did); -inthread: offload: false, everything on the app thread.
  // canonspan-file-move: the default FileSink from the stock pipelines' short warm-up: its move to
  // the worker falls inside the measured run.
  const names = ["none", "bsp-noop", "bsp-otlp", "bsp-otlp-gzip", "canonspan-file", "canonspan-otlp", "canonspan-file-inthread", "canonspan-otlp-inthread", "canonspan-file-move"];
  const r = measureAll(names, SPANS, port);
  const base = r.none.activeUsPerSpan;
  const pipe = (n) => r[n].activeUsPerSpan - base;
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "-");
  console.log("pipeline                onEnd mean µs  p99.9 µs   max µs  >1ms (own)  pipeline µs/span  heap B/queued span  dropped");
  for (const n of names.slice(1)) {
    const x = r[n];
    console.log(`${n.padEnd(23)} ${f(x.onEndMeanUs, 3).padStart(12)} ${f(x.onEndP999Us, 1).padStart(9)} ${f(x.onEndMaxUs, 0).padStart(8)} ${String(x.endsOver1ms).padStart(5)} ${`(${x.endsOver1msOwn})`.padStart(8)} ${f(pipe(n)).padStart(17)} ${f(x.heapPerQueuedSpan, 0).padStart(19)} ${String(x.dropped).padStart(8)}`);
  }
  for (const n of ["canonspan-file", "canonspan-otlp"]) {
    const states = r[n].offloadStates.join(", ");
    console.log(`(${n}: offload state at the end of each run: ${states}${r[n].convertedHere > 0 ? `; the app thread converted up to ${r[n].convertedHere} spans itself while the worker was behind` : ""})`);
  }
  // A dropped span costs nothing: a ratio of a pipeline that dropped spans is flagged.
  const flag = (...ns) => (ns.some((n) => r[n].dropped > 0) ? "  (DROPPED SPANS: not comparable)" : "");
  console.log(`(app's own span code: ${f(base)} µs/span, subtracted)\n`);
  const ratio = (a, b) => a / b;
  const checks = [
    ["onEnd mean: canonspan-file / bsp-noop", ratio(r["canonspan-file"].onEndMeanUs, r["bsp-noop"].onEndMeanUs), "<= 1.25"],
    ["span.end() over 1 ms (canonspan-file)", r["canonspan-file"].endsOver1ms, `== 0 (bsp-noop: ${r["bsp-noop"].endsOver1ms})`],
    ["  of them not a GC pause or preemption", r["canonspan-file"].endsOver1msOwn, "== 0"],
    ["FileSink pipeline / stock OTLP pipeline", ratio(pipe("canonspan-file"), pipe("bsp-otlp")), "<= 0.50 (stretch 0.33)", flag("canonspan-file", "bsp-otlp")],
    ["OtlpSink pipeline / stock OTLP pipeline", ratio(pipe("canonspan-otlp"), pipe("bsp-otlp")), "<= 1.00 (stretch 0.70)", flag("canonspan-otlp", "bsp-otlp")],
    ["onEnd mean: canonspan-file-inthread / bsp-noop", ratio(r["canonspan-file-inthread"].onEndMeanUs, r["bsp-noop"].onEndMeanUs), "<= 1.25"],
    ["span.end() over 1 ms (canonspan-file-inthread)", r["canonspan-file-inthread"].endsOver1ms, "== 0"],
    ["  of them not a GC pause or preemption", r["canonspan-file-inthread"].endsOver1msOwn, "== 0"],
    ["(FileSink in-thread / stock OTLP)", ratio(pipe("canonspan-file-inthread"), pipe("bsp-otlp")), "reference (offload: false)", flag("canonspan-file-inthread", "bsp-otlp")],
    ["(OtlpSink in-thread / stock OTLP)", ratio(pipe("canonspan-otlp-inthread"), pipe("bsp-otlp")), "reference (offload: false)", flag("canonspan-otlp-inthread", "bsp-otlp")],
    // From the same short warm-up as the stock pipelines: the move (worker start-up, a cold worker)
    // and the rest of the JIT warm-up fall inside the measured run.
    ["(FileSink default from a cold start)", ratio(pipe("canonspan-file-move"), pipe("bsp-otlp")), `reference: ${f(((pipe("canonspan-file-move") - pipe("canonspan-file")) * SPANS) / 1000, 0)} ms more in all than moved and warm`, flag("canonspan-file-move", "bsp-otlp")],
    ["(FileSink / stock OTLP with gzip)", ratio(pipe("canonspan-file"), pipe("bsp-otlp-gzip")), "reference", flag("canonspan-file", "bsp-otlp-gzip")],
    ["heap per queued span: canonspan / BSP", ratio(r["canonspan-file"].heapPerQueuedSpan, r["bsp-noop"].heapPerQueuedSpan), "<= 1.00"],
  ];
  if (SCALE > 0) {
    // The in-thread pipeline: what grows with volume on the app thread shows here.
    const smallRuns = measureAll(["none", "canonspan-file-inthread"], 10_000, port);
    const largeBase = runChild("none", SCALE, port).activeUsPerSpan;
    const large = runChild("canonspan-file-inthread", SCALE, port).activeUsPerSpan - largeBase;
    const small = smallRuns["canonspan-file-inthread"].activeUsPerSpan - smallRuns.none.activeUsPerSpan;
    checks.push([`scale: in-thread FileSink µs/span at ${SCALE} / at 10000`, ratio(large, small), "<= 1.10"]);
    // The default: the second half of the 1M run against its first (the app waits for the
    // worker, so what grows in the worker shows in the app's time). Against 10k or 100k runs it
    // would compare regimes, not volumes: a short run ends before the worker's backlog and heap
    // reach their steady state (the bounded in-flight window absorbs the start of the burst).
    // Three runs, medians: one half of one run swings with the VM as much as the target allows.
    const bigRuns = [0, 1, 2].map(() => runChild("canonspan-file", SCALE, port));
    const halfRatios = bigRuns.map(({ halvesUsPerSpan: [first, second] }) => ratio(second - largeBase, first - largeBase));
    checks.push([`scale: default FileSink, 2nd half of ${SCALE} / 1st half`, median(halfRatios), "<= 1.10"]);
    checks.push([`(default FileSink over ${SCALE} spans / stock OTLP)`, ratio(median(bigRuns.map((b) => b.activeUsPerSpan)) - largeBase, pipe("bsp-otlp")), "reference"]);
  }
  console.log("ratio                                           value   target");
  for (const [label, value, target, note = ""] of checks) console.log(`${label.padEnd(47)} ${f(value).padStart(6)}   ${target}${note}`);
} finally {
  receiver.kill("SIGTERM");
}
