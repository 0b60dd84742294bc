/**
 * The app thread's handle on the offload worker: the `Worker` itself (unref'd: it never keeps
 * the process alive by itself; `hold()`/`release()` keep it alive while someone waits for it),
 * the shared memory, the exit port, and the one place that turns `error`/`messageerror`/`exit`
 * into a single failure callback.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { withTimeout } from "../../internal/timers";
import {
  SHARED_BYTES,
  SHARED_CONVERTED_BATCH,
  SHARED_EXIT_DONE,
  SHARED_INTS,
  SHARED_WRITTEN_SPANS_OFFSET,
  type BatchMessage,
  type ExitReport,
  type FromWorker,
  type ToWorker,
  type WorkerInit,
} from "./protocol";
import { errorText } from "../../internal/errors";

export interface LinkEvents {
  message(m: FromWorker): void;
  /** The worker is gone or unusable (called at most once, and never after `terminate()`). */
  failed(why: string): void;
}

export class WorkerLink {
  private readonly _worker: Worker;
  private readonly _ints: Int32Array;
  private readonly _spansWritten: BigInt64Array;
  private readonly _exitPort: MessagePort;
  private readonly _batchPort: MessagePort;
  private _holds = 0;
  private _done = false;

  /** Starts the worker; throws when it cannot (the caller stays in-thread). */
  constructor(entry: string, init: Omit<WorkerInit, "shared" | "exitPort" | "batchPort">, events: LinkEvents) {
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    this._ints = new Int32Array(shared, 0, SHARED_INTS);
    this._spansWritten = new BigInt64Array(shared, SHARED_WRITTEN_SPANS_OFFSET, 1);
    const exit = new MessageChannel();
    this._exitPort = exit.port1;
    this._exitPort.unref();
    const batches = new MessageChannel();
    this._batchPort = batches.port1;
    this._batchPort.unref();
    const workerData: WorkerInit = { ...init, shared, exitPort: exit.port2, batchPort: batches.port2 };
    this._worker = new Worker(entry, { workerData, transferList: [exit.port2, batches.port2] });
    const fail = (why: string): void => {
      if (this._done) return;
      this._done = true;
      this._releaseAll();
      events.failed(why);
    };
    this._worker.on("message", (m: FromWorker) => events.message(m));
    this._worker.on("error", (e: unknown) => fail(`error: ${errorText(e)}`));
    this._worker.on("messageerror", (e: unknown) => fail(`message error: ${errorText(e)}`));
    this._worker.on("exit", (code: number) => fail(`exited with code ${code}`));
    // After the listeners: adding a "message" listener refs the worker's port again.
    this._worker.unref();
  }

  /** Posts `m` (structured clone); throws a DataCloneError for data that cannot be cloned. */
  post(m: ToWorker): void {
    this._worker.postMessage(m);
  }

  /** Posts a batch on the batch port and rings the doorbell; throws a DataCloneError like `post`. */
  postBatch(m: BatchMessage): void {
    this._batchPort.postMessage(m);
    this._worker.postMessage({ t: "batches" } satisfies ToWorker);
  }

  /** Spans in the batches whose records every worker lane settled. */
  get spansWritten(): number {
    return Number(Atomics.load(this._spansWritten, 0));
  }

  /** The highest batch number the worker converted (shared memory: current even while this thread is busy). */
  get convertedBatch(): number {
    return Atomics.load(this._ints, SHARED_CONVERTED_BATCH);
  }

  /** Blocks this thread until the worker converted a batch after `seen`, at most `ms`. */
  waitConverted(seen: number, ms: number): void {
    if (!this._done && ms > 0) Atomics.wait(this._ints, SHARED_CONVERTED_BATCH, seen, ms);
  }

  /** Keeps the process alive until the matching `release()`. */
  hold(): void {
    if (!this._done && this._holds++ === 0) this._worker.ref();
  }

  release(): void {
    if (this._holds > 0 && --this._holds === 0 && !this._done) this._worker.unref();
  }

  /**
   * `exit` hook: asks the worker to finish what it was sent and blocks this thread (at most
   * `waitMs`) until it did; its report, or `undefined` when it did not finish in time.
   */
  finishSync(waitMs: number, workerMs: number): ExitReport | undefined {
    if (this._done) return undefined;
    this._done = true;
    const deadline = Date.now() + waitMs;
    this._worker.postMessage({ t: "exit", timeoutMs: workerMs } satisfies ToWorker);
    while (Atomics.load(this._ints, SHARED_EXIT_DONE) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this._ints, SHARED_EXIT_DONE, 0, left);
    }
    const report = receiveMessageOnPort(this._exitPort)?.message as ExitReport | undefined;
    return report && typeof report === "object" && report.sequences ? report : undefined;
  }

  /** Stops the worker (its later `exit` is not a failure); resolves within `timeoutMs` (0 = no limit). */
  async terminate(timeoutMs: number): Promise<void> {
    this._done = true;
    this._releaseAll();
    const stopped = this._worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    await withTimeout(stopped, timeoutMs, () => undefined);
  }

  private _releaseAll(): void {
    if (this._holds > 0) this._worker.unref();
    this._holds = 0;
  }
}
