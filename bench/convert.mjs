// Conversion cost per span on the PERFORMANCE.md workload: toCanonicalSpan alone, and with
// JSON.stringify of the record, against JSON.stringify of a plain copy of the span (the floor).
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { toCanonicalSpan } from "../dist/index.mjs";
import { runWorkload } from "./workload.mjs";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
runWorkload(provider.getTracer("bench"), 2500);
const spans = exporter.getFinishedSpans();

function plain(s) {
  return { name: s.name, kind: s.kind, ctx: s.spanContext(), parent: s.parentSpanContext?.spanId, start: s.startTime, end: s.endTime,
    status: s.status, attributes: s.attributes, events: s.events, links: s.links, resource: s.resource.attributes, scope: s.instrumentationScope };
}
function time(label, fn) {
  for (let i = 0; i < 2; i++) for (const s of spans) fn(s); // warm-up
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < 3; i++) for (const s of spans) bytes += fn(s);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / (3 * spans.length);
  console.log(`${label.padEnd(34)} ${us.toFixed(2).padStart(7)} µs/span  ${(bytes / 3 / spans.length).toFixed(0)} B/span`);
  return us;
}
console.log(`${spans.length} spans`);
const floor = time("JSON.stringify(plain span)", (s) => JSON.stringify(plain(s)).length);
const conv = time("toCanonicalSpan", (s) => (toCanonicalSpan(s), 0));
const both = time("toCanonicalSpan + JSON.stringify", (s) => JSON.stringify(toCanonicalSpan(s)).length);
console.log(`ratio convert+stringify / stringify floor: ${(both / floor).toFixed(2)}x (conversion alone ${(conv / floor).toFixed(2)}x)`);

// Linear in input size: cost per input KB of one chat span whose messages grow 1× → 32×.
const base = spans.find((s) => s.name.startsWith("chat"));
function sized(factor) {
  const attrs = { ...base.attributes };
  for (const k of ["gen_ai.input.messages", "gen_ai.output.messages"]) {
    const msgs = JSON.parse(attrs[k]);
    for (const m of msgs) for (const p of m.parts) p.content = p.content.repeat(factor);
    attrs[k] = JSON.stringify(msgs);
  }
  return { ...base, attributes: attrs, spanContext: () => base.spanContext() };
}
const perKb = [];
for (const factor of [1, 32]) {
  const span = sized(factor);
  const kb = JSON.stringify(span.attributes).length / 1024;
  for (let i = 0; i < 200; i++) toCanonicalSpan(span);
  const n = Math.max(20, Math.round(4000 / factor));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) toCanonicalSpan(span);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  perKb.push(us / kb);
  console.log(`chat span with ${kb.toFixed(0).padStart(4)} KB of attributes: ${us.toFixed(1).padStart(7)} µs (${(us / kb).toFixed(2)} µs/KB)`);
}
console.log(`size scaling (µs/KB at 32× / at 1×): ${(perKb[1] / perKb[0]).toFixed(2)} (linear: <= ~1)`);
