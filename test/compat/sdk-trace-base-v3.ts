/**
 * Test-only shim: on the OTel JS SDK 3.x line (`npm run test:otel3`), tests that import
 * `@opentelemetry/sdk-trace-base` (the 2.x package) get `@opentelemetry/sdk-trace` 3.x with the
 * 2.x names and constructor shapes: `BasicTracerProvider` is `TracerProvider`, and the span
 * processors take `(exporter, config)` positionally. `SimpleSpanProcessor` exports synchronously
 * (as 2.x did) so tests can read an in-memory exporter right after `span.end()`.
 */
import * as v3 from "@opentelemetry/sdk-trace";

type Exporter = { export(spans: unknown[], cb: (r: unknown) => void): void; shutdown(): Promise<void>; forceFlush?(): Promise<void> };

export * from "@opentelemetry/sdk-trace";
export const BasicTracerProvider = v3.TracerProvider;

export class SimpleSpanProcessor {
  constructor(private readonly _exporter: Exporter) {}
  onStart(): void {}
  onEnd(span: unknown): void {
    this._exporter.export([span], () => undefined);
  }
  forceFlush(): Promise<void> {
    return this._exporter.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this._exporter.shutdown();
  }
}

export class BatchSpanProcessor extends (v3.BatchSpanProcessor as unknown as new (o: object) => object) {
  constructor(exporter: Exporter, config: object = {}) {
    super({ ...config, exporter });
  }
}
