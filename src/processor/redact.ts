/**
 * Record redaction, run in the export path on each fresh canonical record (SPEC.md §3):
 * 1. `captureContent: false` removes message and I/O content (see content.ts) and lists what it
 *    removed in `extras["canonspan.content_removed"]`;
 * 2. a user `mask` sees every remaining content-bearing field and fails closed;
 * 3. secrets are redacted everywhere in the record (on by default, see secrets.ts), mask output
 *    included.
 * The redactor never throws: if a stage fails unexpectedly the record is cut down to its
 * structural fields, since a record that may still hold secrets must not leave the process.
 */
import { logger } from "../internal/diag";
import type { CanonicalSpan, JsonValue } from "../model/record";
import { MAX_JSON_DEPTH, setOwn } from "../read/json";
import { grantRawJson } from "../read/raw-json";
import { removeContent } from "./content";
import { applyMask, MASK_FAILED } from "./mask";
import { secretKeyKind, type SecretKeyKind } from "./secret-keys";
import { REDACTED, redactText } from "./secrets";

/** Extras key listing the record paths `captureContent: false` removed (string[]). */
export const CONTENT_REMOVED_KEY = "canonspan.content_removed";
export const DEFAULT_MASK_TIMEOUT_MS = 50;
export { MASK_FAILED };
export type MaskFailureReason = "threw" | "invalid" | "timeout" | "skipped";

/**
 * A user mask: receives one content field (after normalization, whatever convention it came
 * from) and returns its replacement. It must be synchronous and return a JSON value — a string
 * for text fields (message text, retrieval query, document content). Anything else fails closed.
 */
export type MaskFn = (value: JsonValue, info: { path: string; record: Readonly<CanonicalSpan> }) => JsonValue;

export interface RedactionOptions {
  /** Redact secrets (credentials, API keys, auth headers, URL credentials) everywhere. @default true */
  redact?: boolean;
  /** Keep message, prompt, completion, tool and retrieval content. @default true */
  captureContent?: boolean;
  /** Called for every content-bearing field; fails closed to `"[MASK_FAILED]"`. */
  mask?: MaskFn;
  /**
   * Budget of one synchronous mask call, in ms, measured after it returns. An over-budget call
   * fails closed and the mask is not called again for the rest of that record. @default 50
   */
  maskTimeoutMs?: number;
}

export interface RedactorStats {
  /** Mask calls made. */
  maskCalls: number;
  /** Content fields set to `"[MASK_FAILED]"`, all reasons together. */
  maskFailures: number;
  /** …by reason; `skipped` fields came after an over-budget call in the same record. */
  maskFailuresByReason: Record<MaskFailureReason, number>;
  /** Records that had content removed (`captureContent: false`). */
  contentRemoved: number;
  /** Values redacted: strings in which secrets were replaced, plus values of secret-named keys. */
  secretsRedacted: number;
  /** Records cut down to structural fields because a redaction stage failed. */
  errors: number;
}

/** Redacts a record in place and returns it; `stats` counts what it did. */
export interface Redactor {
  (record: CanonicalSpan): CanonicalSpan;
  readonly stats: RedactorStats;
}

const log = logger("redact");
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const WARN_INTERVAL_MS = 60_000;
/** Record fields that never hold user text (ids, times, enums, counts, provenance). */
const STRUCTURAL_FIELDS: ReadonlySet<string> = new Set([
  "schema",
  "traceId",
  "spanId",
  "parentId",
  "kind",
  "type",
  "startTime",
  "endTime",
  "durationMs",
  "sequenceId",
  "rolloutId",
  "attemptId",
  "usage",
  "cost",
  "scope",
  "conventions",
  "sources",
  "dropped",
]);

/** Walks JSON values in place, redacting text and the values of secret-named keys. */
class SecretWalker {
  found = 0;

  value(v: unknown, depth: number): unknown {
    if (typeof v === "string") {
      const r = redactText(v);
      if (r !== v) this.found++;
      return r;
    }
    if (v === null || typeof v !== "object") return v;
    if (depth >= MAX_JSON_DEPTH * 2) return this._hit(); // deeper than any record we build
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        const y = this.value(x, depth + 1);
        if (y !== x) v[i] = y;
      }
      return v;
    }
    const o = v as Record<string, unknown>;
    // for…in reads V8's enum cache (Object.keys allocated an array per object visited); the
    // own-property check keeps keys inherited from a polluted Object.prototype out.
    for (const k in o) {
      if (!hasOwn(o, k)) continue;
      const x = o[k];
      const kind = secretKeyKind(k);
      const y = kind === 0 ? this.value(x, depth + 1) : this.all(x, kind, depth + 1);
      if (y !== x) setOwn(o, k, y);
    }
    return o;
  }

  /** The value of a secret-named key: every string (and, for credentials, number) goes. */
  all(v: unknown, kind: SecretKeyKind, depth: number): unknown {
    if (typeof v === "string") return v === "" || v === REDACTED ? v : this._hit();
    if (typeof v === "number") return kind === 2 ? this._hit() : v;
    if (v === null || typeof v !== "object") return v;
    if (depth >= MAX_JSON_DEPTH * 2) return this._hit();
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (!hasOwn(o, k)) continue;
      const x = o[k];
      const y = this.all(x, kind, depth + 1);
      if (y !== x) setOwn(o, k, y);
    }
    return o;
  }

  private _hit(): string {
    this.found++;
    return REDACTED;
  }
}

/** Fields copied into the fail-closed record, with the value used when a read fails. */
const KEPT_FIELDS = {
  schema: "canonspan/v1",
  traceId: "0".repeat(32),
  spanId: "0".repeat(16),
  parentId: null,
  kind: "INTERNAL",
  type: "OTHER",
  startTime: "1970-01-01T00:00:00.000000Z",
  endTime: "1970-01-01T00:00:00.000000Z",
  durationMs: 0,
  scope: { name: "" },
  conventions: [],
} as const;
const KEPT_OPTIONAL = ["sequenceId", "rolloutId", "attemptId", "usage", "cost"] as const;

/** The record with everything but structural fields dropped: the fail-closed fallback. Never throws. */
function structuralOnly(record: CanonicalSpan, reason: string): CanonicalSpan {
  const src = record as unknown as Record<string, unknown>;
  const read = (k: string): unknown => {
    try {
      return src[k];
    } catch {
      return undefined; // a hostile getter: the default stands
    }
  };
  const out: Record<string, unknown> = {
    name: "",
    status: { code: "UNSET" },
    tags: [],
    metadata: {},
    extras: {},
    events: [],
    links: [],
    resource: { attributes: {} },
    sources: {},
    dropped: { errors: { redaction: reason } },
  };
  for (const [k, fallback] of Object.entries(KEPT_FIELDS)) out[k] = read(k) ?? fallback;
  for (const k of KEPT_OPTIONAL) {
    const v = read(k);
    if (v !== undefined) out[k] = v;
  }
  try {
    const name = read("name");
    if (typeof name === "string") out.name = redactText(name);
    const code = (read("status") as { code?: unknown } | undefined)?.code;
    if (code === "OK" || code === "ERROR") out.status = { code };
  } catch {
    /* keep the defaults */
  }
  return out as unknown as CanonicalSpan;
}

/**
 * Builds the redaction stage of the pipeline (see the module comment). Invalid options throw here,
 * at construction; the returned function never throws.
 */
export function createRedactor(opts: RedactionOptions = {}): Redactor {
  const redact = opts.redact ?? true;
  const captureContent = opts.captureContent ?? true;
  const mask = opts.mask;
  const timeoutMs = opts.maskTimeoutMs ?? DEFAULT_MASK_TIMEOUT_MS;
  if (mask !== undefined && typeof mask !== "function") throw new TypeError("canonspan: `mask` must be a function");
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
    throw new RangeError(`canonspan: \`maskTimeoutMs\` must be a positive number (actual: ${String(timeoutMs)})`);
  }
  const stats: RedactorStats = {
    maskCalls: 0,
    maskFailures: 0,
    maskFailuresByReason: { threw: 0, invalid: 0, timeout: 0, skipped: 0 },
    contentRemoved: 0,
    secretsRedacted: 0,
    errors: 0,
  };
  let lastWarn = -Infinity;
  let suppressed = 0;
  const warn = (msg: string): void => {
    const now = Date.now();
    if (now - lastWarn < WARN_INTERVAL_MS) {
      suppressed++;
      return;
    }
    log.warn(suppressed > 0 ? `${msg} (${suppressed} similar messages suppressed)` : msg);
    lastWarn = now;
    suppressed = 0;
  };

  const run = (record: CanonicalSpan): CanonicalSpan => {
    let found = 0;
    try {
      if (!captureContent) {
        const removed = removeContent(record);
        if (removed.length > 0) {
          stats.contentRemoved++;
          setOwn(record.extras, CONTENT_REMOVED_KEY, removed);
        }
      }
      if (mask) applyMask(record, mask, timeoutMs, stats, warn);
      if (redact) {
        const walker = new SecretWalker();
        const rec = record as unknown as Record<string, unknown>;
        for (const k in rec) {
          if (!hasOwn(rec, k) || STRUCTURAL_FIELDS.has(k)) continue;
          const x = rec[k];
          const y = walker.value(x, 0);
          if (y !== x) rec[k] = y;
        }
        stats.secretsRedacted += walker.found;
        found = walker.found;
      }
      // Nothing removed, masked or redacted: the encoders may write messages as the JSON text they came as (raw-json.ts).
      if (captureContent && !mask && found === 0) grantRawJson(record);
      return record;
    } catch (e) {
      stats.errors++;
      const reason = e instanceof Error ? e.name : "unknown error";
      warn(`redaction failed (${reason}); the record was cut down to its structural fields`);
      return structuralOnly(record, reason);
    }
  };
  return Object.assign(run, { stats });
}
