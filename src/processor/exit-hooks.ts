/**
 * Process exit safety, in layers (RELIABILITY.md §2.5, §5.4; pino's `autoEnd` pattern):
 * - `beforeExit` (the event loop is still usable): an async flush, only when spans arrived since
 *   the last one — so a flush that schedules nothing new cannot loop;
 * - `exit` (no event loop left): a synchronous last write of what is still queued, to the sinks
 *   that implement `writeSync`;
 * - opt-in SIGTERM/SIGINT: shut down (bounded), then let the signal end the process as it would
 *   have without us (the handler is removed and the signal re-raised, unless the app has its own
 *   listener, which then decides).
 *
 * One shared process listener per event serves every processor (no MaxListeners warnings);
 * each processor registers on construction and unregisters on shutdown. Nothing here keeps the
 * process alive, except a signal flush, which holds the process until its bounded shutdown ends.
 */
import { writeSync } from "node:fs";
import { logger } from "../internal/diag";
import { errorText } from "../internal/errors";
import type { StatsRecorder } from "./stats";

/** What a processor (or exporter) does at each exit stage. Every method must not throw. */
export interface ExitParticipant {
  /** `beforeExit`: start an async flush if there is anything new. */
  beforeExit(): void;
  /** `exit`: synchronous last delivery. */
  exitSync(): void;
  /** A handled signal: shut down; resolves when done (bounded by the participant's timeout). */
  onSignal(): Promise<void>;
}

export const HANDLED_SIGNALS = ["SIGTERM", "SIGINT"] as const;
type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** A hard cap on how long a signal flush may hold the process, whatever participants say. */
const MAX_SIGNAL_HOLD_MS = 60_000;

const log = logger("exit");
const participants = new Set<ExitParticipant>();
const signalParticipants = new Set<ExitParticipant>();
let processHooksInstalled = false;
let signalHooksInstalled = false;

function each(set: ReadonlySet<ExitParticipant>, fn: (p: ExitParticipant) => void): void {
  for (const p of [...set]) {
    try {
      fn(p);
    } catch (e) {
      log.debug(`exit hook failed: ${errorText(e)}`);
    }
  }
}

const onBeforeExit = (): void => each(participants, (p) => p.beforeExit());
const onExit = (): void => each(participants, (p) => p.exitSync());

function onSignal(signal: HandledSignal): void {
  // Ours is prepended, so it runs before any listener of the app: counting now sees them all,
  // including `once` listeners that remove themselves when called. With one, the app decides
  // how the process ends; without, we re-raise the signal after the flush.
  const appHandles = process.listenerCount(signal) > 1;
  // Remove ours first: a second signal during the flush then ends the process at once.
  uninstallSignalHooks();
  const targets = [...signalParticipants];
  signalParticipants.clear();
  // Keep the process alive (a ref'd timer) while we flush: the flush's own timers are unref'd.
  const hold = setTimeout(() => undefined, MAX_SIGNAL_HOLD_MS);
  const done = Promise.all(
    targets.map((p) => {
      try {
        return p.onSignal().catch(() => undefined);
      } catch {
        return undefined;
      }
    }),
  );
  const finish = (): void => {
    clearTimeout(hold);
    // With another listener the app handles the signal itself (Node called it as well).
    if (!appHandles && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  Promise.race([done, new Promise((r) => setTimeout(r, MAX_SIGNAL_HOLD_MS).unref())]).then(finish, finish);
}

const signalListeners: Record<HandledSignal, () => void> = {
  SIGTERM: () => onSignal("SIGTERM"),
  SIGINT: () => onSignal("SIGINT"),
};

function installSignalHooks(): void {
  if (signalHooksInstalled) return;
  signalHooksInstalled = true;
  for (const s of HANDLED_SIGNALS) process.prependListener(s, signalListeners[s]);
}

function uninstallSignalHooks(): void {
  if (!signalHooksInstalled) return;
  signalHooksInstalled = false;
  for (const s of HANDLED_SIGNALS) process.removeListener(s, signalListeners[s]);
}

/**
 * Registers `p` for `beforeExit`/`exit` (and SIGTERM/SIGINT when `handleSignals`). Returns the
 * function that unregisters it (idempotent). In environments without `process.on` it does nothing.
 */
export function registerExitHooks(p: ExitParticipant, handleSignals: boolean): () => void {
  if (typeof process === "undefined" || typeof process.on !== "function") return () => undefined;
  participants.add(p);
  if (!processHooksInstalled) {
    processHooksInstalled = true;
    process.on("beforeExit", onBeforeExit);
    process.on("exit", onExit);
  }
  if (handleSignals) {
    signalParticipants.add(p);
    installSignalHooks();
  }
  return () => {
    participants.delete(p);
    signalParticipants.delete(p);
    if (signalParticipants.size === 0) uninstallSignalHooks();
    if (participants.size === 0 && processHooksInstalled) {
      processHooksInstalled = false;
      process.removeListener("beforeExit", onBeforeExit);
      process.removeListener("exit", onExit);
    }
  };
}

/** For tests: how many participants are registered, and whether signal hooks are installed. */
export function exitHookState(): { participants: number; signals: boolean } {
  return { participants: participants.size, signals: signalHooksInstalled };
}

/**
 * Runs a participant's synchronous exit delivery; when it had to give records up (sinks without
 * `writeSync`, such as OTLP, or a worker that did not finish in time), says so in one
 * synchronous stderr line (RELIABILITY.md B2): at `exit`, a diag logger may print nothing, or
 * nothing any more. Never throws.
 */
export function exitSyncReporting(stats: StatsRecorder, deliver: () => void): void {
  const before = stats.exitLosses().total;
  try {
    deliver();
  } finally {
    const after = stats.exitLosses();
    const lost = after.total - before;
    if (lost > 0) {
      try {
        writeSync(2, `canonspan: ${lost} span record(s) not delivered, or not confirmed, when the process exited (${after.parts.join(", ")})\n`);
      } catch {
        // stderr closed: nothing else to tell
      }
    }
  }
}
