/**
 * The offload worker's sinks, rebuilt from the specs the app thread's sinks gave
 * (`SpanSink.workerSpec()`). A console sink writes to the process's fd 1 or 2 directly: a
 * worker's own `process.stdout` is relayed through the app thread, which is the work offload
 * moves away from it (and is lost at `process.exit()`).
 */
import fs from "node:fs";
import { Writable } from "node:stream";
import tty from "node:tty";
import { ConsoleSink, type ConsoleSinkOptions } from "../../sinks/console-sink";
import { FileSink, holdPathForAppThread } from "../../sinks/file-sink";
import type { FileSinkOptions } from "../../sinks/file-options";
import type { OtlpSinkOptions } from "../../sinks/otlp-config";
import { OtlpSink } from "../../sinks/otlp-sink";
import type { SinkWorkerSpec, SpanSink } from "../../sinks/sink";

/** How long one console write may keep retrying a full non-blocking pipe (`EAGAIN`). */
const MAX_EAGAIN_WAIT_MS = 5_000;
const EAGAIN_SLEEP_MS = 2;
const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

/** Writes the whole chunk to `fd`, blocking this (worker) thread; retries a full pipe for a while. */
function writeFully(fd: number, buf: Buffer): void {
  let off = 0;
  let waited = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as { code?: unknown }).code !== "EAGAIN" || waited >= MAX_EAGAIN_WAIT_MS) throw e;
      Atomics.wait(SLEEP_CELL, 0, 0, EAGAIN_SLEEP_MS);
      waited += EAGAIN_SLEEP_MS;
    }
  }
}

/** A writable stream over the process's stdout or stderr file descriptor (never closes it). */
class FdStream extends Writable {
  readonly isTTY: boolean;

  constructor(private readonly _fd: number) {
    super();
    this.isTTY = tty.isatty(_fd);
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      writeFully(this._fd, typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk);
      callback();
    } catch (e) {
      callback(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** A sink equivalent to the one `spec` describes. Throws on a spec it cannot build (the worker then fails). */
export function buildWorkerSink(spec: SinkWorkerSpec): SpanSink {
  const kind = spec?.kind;
  switch (kind) {
    case "file": {
      const options = spec.options as FileSinkOptions;
      // The app thread's sink opened (and repaired) the file first; with `offload: "auto"` it may
      // still be writing when this one opens: no second repair.
      if (typeof options?.path === "string") holdPathForAppThread(options.path);
      return new FileSink(options);
    }
    case "otlp":
      return new OtlpSink(spec.options as OtlpSinkOptions);
    case "console": {
      const { fd, ...options } = spec.options as ConsoleSinkOptions & { fd?: unknown };
      if (fd !== 1 && fd !== 2) throw new TypeError(`offload: console sink spec needs fd 1 or 2 (actual: ${String(fd)})`);
      return new ConsoleSink({ ...options, stream: new FdStream(fd) });
    }
    default:
      throw new TypeError(`offload: unknown sink kind ${JSON.stringify(String(kind)).slice(0, 40)}`);
  }
}
