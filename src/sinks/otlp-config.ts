/**
 * OtlpSink configuration: options, defaults and `OTEL_EXPORTER_OTLP_*` environment variables,
 * resolved in one place as `options > environment > defaults` (STYLE.md practice 2).
 *
 * Rules (RELIABILITY.md §1.5–1.6):
 * - The signal-specific variable (`…_TRACES_…`) overrides the generic one.
 * - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is used as-is; `OTEL_EXPORTER_OTLP_ENDPOINT` is a base
 *   URL to which `v1/traces` is appended.
 * - Empty values mean unset. Invalid values warn once through `diag` and fall back to the next
 *   source. Enums are case-insensitive. A timeout of 0 means "no limit".
 * - Invalid *options* (code, not environment) throw from the constructor instead.
 * - Header values are secrets: no message here ever contains one.
 *
 * We read the environment ourselves and do not let the stock OTel exporter do it: its
 * constructor always re-reads `OTEL_EXPORTER_OTLP_*` (double warnings, timeout 0 rejected,
 * malformed header pairs silently dropped, CR/LF accepted until export time).
 */
import { logger } from "../internal/diag";

/** OTLP/HTTP encodings the sink can send. */
export type OtlpProtocol = "http/json" | "http/protobuf";
export type OtlpCompression = "gzip" | "none";

/** Retry tuning (OTLP spec: exponential backoff with jitter, never past the export deadline). */
export interface OtlpRetryOptions {
  /** Total attempts per request, the first included. @default 6 */
  maxAttempts?: number;
  /** First backoff delay. @default 1000 */
  initialBackoffMillis?: number;
  /** Cap of one backoff delay. @default 5000 */
  maxBackoffMillis?: number;
  /** Growth per attempt. @default 1.5 */
  backoffMultiplier?: number;
}

/** Options of {@link OtlpSink}. Every field falls back to `OTEL_EXPORTER_OTLP_*`, then its default. */
export interface OtlpSinkOptions {
  /** Full URL of the traces endpoint. @default env, else `http://localhost:4318/v1/traces` */
  url?: string;
  /** Extra request headers (e.g. an API key), merged over the environment's. Values are never logged. */
  headers?: Record<string, string>;
  /** Deadline of one `write()` — all attempts, retries and poison isolation. 0 = no limit. @default 10000 */
  timeoutMillis?: number;
  /** @default "none" */
  compression?: OtlpCompression;
  /**
   * `http/json` is the default, as in OTel JS's `exporter-trace-otlp-http`: with prompt-sized
   * strings the stock JSON serializer costs about half the main-thread time of the protobuf one.
   * @default "http/json"
   */
  protocol?: OtlpProtocol;
  /** Maximum open sockets to the collector. @default 2 */
  concurrencyLimit?: number;
  /** Uncompressed request size cap; larger batches are split before sending. @default 4 MiB */
  maxRequestBytes?: number;
  /** Extra requests one `write()` may spend isolating spans refused with 400/413. @default 32 */
  maxIsolationRequests?: number;
  /** Backoff tuning. */
  retry?: OtlpRetryOptions;
}

export interface ResolvedRetry {
  maxAttempts: number;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
  backoffMultiplier: number;
}

/** The configuration the sink runs with. `timeoutMillis` is `Infinity` for "no limit". */
export interface ResolvedOtlpConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: OtlpCompression;
  protocol: OtlpProtocol;
  concurrencyLimit: number;
  maxRequestBytes: number;
  maxIsolationRequests: number;
  retry: ResolvedRetry;
}

export const DEFAULT_OTLP_TRACES_URL = "http://localhost:4318/v1/traces";
const DEFAULT_TIMEOUT_MILLIS = 10_000;
const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024; // RELIABILITY §5.2, below the Collector's 20 MiB
const ENV = "OTEL_EXPORTER_OTLP_";
const TRACES = "OTEL_EXPORTER_OTLP_TRACES_";

/** A fresh object with every default. */
export function getOtlpDefaults(): ResolvedOtlpConfig {
  return {
    url: DEFAULT_OTLP_TRACES_URL,
    headers: {},
    timeoutMillis: DEFAULT_TIMEOUT_MILLIS,
    compression: "none",
    protocol: "http/json",
    concurrencyLimit: 2,
    maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
    maxIsolationRequests: 32,
    retry: { maxAttempts: 6, initialBackoffMillis: 1000, maxBackoffMillis: 5000, backoffMultiplier: 1.5 },
  };
}

const log = logger("otlp-config");
const warned = new Set<string>();
/** @internal Forgets which configuration warnings were given (tests). */
export function resetOtlpConfigWarnings(): void {
  warned.clear();
}

/** Warns once per process per distinct message (messages never hold secrets). */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  if (warned.size < 256) warned.add(message);
  log.warn(message);
}

// RFC 9110 token for names; values: no CTLs except HTAB (what Node's http accepts).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** True when `name: value` can be sent as an HTTP header without injection or a runtime throw. */
export function isValidHeader(name: string, value: string): boolean {
  return HEADER_NAME.test(name) && !BAD_HEADER_VALUE.test(value);
}

/** `http(s)://user:pass@host/p?q` → `http(s)://host/p`: credentials and query never reach a log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "<unparseable URL>";
  }
}

function parseHttpUrl(raw: string): URL | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:" ? u : undefined;
  } catch {
    return undefined;
  }
}

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** The traces URL from the environment, or undefined (warned) when unset or invalid. */
function urlFromEnv(env: Env): string | undefined {
  const specific = envValue(env, `${TRACES}ENDPOINT`);
  if (specific !== undefined) {
    const u = parseHttpUrl(specific);
    if (u) return u.href; // used as-is; `href` gives an empty path its root `/`
    warnOnce(`Configuration: ${TRACES}ENDPOINT is invalid, expected an http(s) URL (actual: ${redactUrl(specific)})`);
  }
  const generic = envValue(env, `${ENV}ENDPOINT`);
  if (generic !== undefined) {
    const base = parseHttpUrl(generic);
    const u = base && parseHttpUrl(generic + (generic.endsWith("/") ? "" : "/") + "v1/traces");
    if (u) return u.href;
    warnOnce(`Configuration: ${ENV}ENDPOINT is invalid, expected an http(s) URL (actual: ${redactUrl(generic)})`);
  }
  return undefined;
}

/**
 * Parses a W3C-baggage-like `k1=v1,k2=v2` list with URL-decoded keys and values. A malformed or
 * unsafe entry is skipped with a warning naming its position, never its value.
 */
export function parseHeaderList(raw: string, variable: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const entries = raw.split(",");
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!.trim();
    if (entry === "") continue;
    const eq = entry.indexOf("=");
    let name: string | undefined;
    let value: string | undefined;
    if (eq > 0) {
      try {
        name = decodeURIComponent(entry.slice(0, eq).trim());
        value = decodeURIComponent(entry.slice(eq + 1).trim());
      } catch {
        name = undefined;
      }
    }
    if (name === undefined || value === undefined || value === "" || !isValidHeader(name, value)) {
      warnOnce(`Configuration: ${variable} has an invalid entry at position ${i + 1}, expected key=value with a valid header name and value (entry not shown)`);
      continue;
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}

function headersFromEnv(env: Env): Record<string, string> {
  const generic = envValue(env, `${ENV}HEADERS`);
  const specific = envValue(env, `${TRACES}HEADERS`);
  return {
    ...(generic !== undefined ? parseHeaderList(generic, `${ENV}HEADERS`) : {}),
    ...(specific !== undefined ? parseHeaderList(specific, `${TRACES}HEADERS`) : {}),
  };
}

/** First valid value of the specific then the generic variable, each invalid one warned. */
function fromEnvPair<T>(env: Env, suffix: string, parse: (raw: string, name: string) => T | undefined): T | undefined {
  for (const name of [`${TRACES}${suffix}`, `${ENV}${suffix}`]) {
    const raw = envValue(env, name);
    if (raw === undefined) continue;
    const v = parse(raw, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

function parseTimeout(raw: string, name: string): number | undefined {
  const n = /^[+-]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (Number.isFinite(n) && n >= 0) return n === 0 ? Infinity : n;
  warnOnce(`Configuration: ${name} is invalid, expected milliseconds >= 0, 0 for no limit (actual: ${JSON.stringify(raw.slice(0, 40))})`);
  return undefined;
}

function parseEnum<T extends string>(allowed: readonly T[], unsupported: readonly string[] = []) {
  return (raw: string, name: string): T | undefined => {
    const v = raw.toLowerCase();
    if ((allowed as readonly string[]).includes(v)) return v as T;
    const why = unsupported.includes(v) ? "is not supported by this sink" : "is invalid";
    warnOnce(`Configuration: ${name} ${why}, expected ${allowed.join(" or ")} (actual: ${JSON.stringify(raw.slice(0, 40))})`);
    return undefined;
  };
}

const PROTOCOLS = ["http/protobuf", "http/json"] as const;
const COMPRESSIONS = ["gzip", "none"] as const;

/** Reads `OTEL_EXPORTER_OTLP_*`; every field is undefined when unset or invalid (warned once). */
export function getOtlpConfigFromEnv(env: Env = process.env): Partial<ResolvedOtlpConfig> {
  const out: Partial<ResolvedOtlpConfig> = {};
  const url = urlFromEnv(env);
  if (url !== undefined) out.url = url;
  out.headers = headersFromEnv(env);
  const timeout = fromEnvPair(env, "TIMEOUT", parseTimeout);
  if (timeout !== undefined) out.timeoutMillis = timeout;
  const compression = fromEnvPair(env, "COMPRESSION", parseEnum<OtlpCompression>(COMPRESSIONS));
  if (compression !== undefined) out.compression = compression;
  const protocol = fromEnvPair(env, "PROTOCOL", parseEnum<OtlpProtocol>(PROTOCOLS, ["grpc"]));
  if (protocol !== undefined) out.protocol = protocol;
  return out;
}

function positive(name: string, v: number | undefined, allowZero = false): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || Number.isNaN(v) || v < 0 || (v === 0 && !allowZero)) {
    throw new TypeError(`OtlpSink: ${name} must be a number ${allowZero ? ">= 0" : "> 0"} (actual: ${String(v)})`);
  }
  return v;
}

/** Validates code-given options; throws a TypeError (never echoing a header value). */
function validateOptions(o: OtlpSinkOptions): void {
  if (o.url !== undefined && !parseHttpUrl(o.url)) {
    throw new TypeError(`OtlpSink: url must be an http(s) URL (actual: ${redactUrl(String(o.url))})`);
  }
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    if (typeof v !== "string" || !isValidHeader(k, v)) {
      throw new TypeError(`OtlpSink: header ${JSON.stringify(k.slice(0, 64))} has an invalid name or value (value not shown)`);
    }
  }
  if (o.compression !== undefined && !(COMPRESSIONS as readonly string[]).includes(o.compression)) {
    throw new TypeError(`OtlpSink: compression must be "gzip" or "none" (actual: ${String(o.compression)})`);
  }
  if (o.protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(o.protocol)) {
    throw new TypeError(`OtlpSink: protocol must be "http/protobuf" or "http/json" (actual: ${String(o.protocol)})`);
  }
  positive("timeoutMillis", o.timeoutMillis, true);
  positive("concurrencyLimit", o.concurrencyLimit);
  positive("maxRequestBytes", o.maxRequestBytes);
  positive("maxIsolationRequests", o.maxIsolationRequests, true);
  positive("retry.maxAttempts", o.retry?.maxAttempts);
  positive("retry.initialBackoffMillis", o.retry?.initialBackoffMillis, true);
  positive("retry.maxBackoffMillis", o.retry?.maxBackoffMillis, true);
  positive("retry.backoffMultiplier", o.retry?.backoffMultiplier);
}

/** Resolves `options > environment > defaults`. Throws only for invalid `options`. */
export function resolveOtlpConfig(options: OtlpSinkOptions = {}, env: Env = process.env): ResolvedOtlpConfig {
  validateOptions(options);
  const d = getOtlpDefaults();
  const e = getOtlpConfigFromEnv(env);
  const headers: Record<string, string> = { ...d.headers, ...e.headers };
  for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
  const timeout = options.timeoutMillis === 0 ? Infinity : options.timeoutMillis;
  return {
    url: options.url !== undefined ? new URL(options.url).href : (e.url ?? d.url),
    headers,
    timeoutMillis: timeout ?? e.timeoutMillis ?? d.timeoutMillis,
    compression: options.compression ?? e.compression ?? d.compression,
    protocol: options.protocol ?? e.protocol ?? d.protocol,
    concurrencyLimit: Math.floor(options.concurrencyLimit ?? d.concurrencyLimit),
    maxRequestBytes: options.maxRequestBytes ?? d.maxRequestBytes,
    maxIsolationRequests: Math.floor(options.maxIsolationRequests ?? d.maxIsolationRequests),
    retry: {
      maxAttempts: Math.floor(options.retry?.maxAttempts ?? d.retry.maxAttempts),
      initialBackoffMillis: options.retry?.initialBackoffMillis ?? d.retry.initialBackoffMillis,
      maxBackoffMillis: options.retry?.maxBackoffMillis ?? d.retry.maxBackoffMillis,
      backoffMultiplier: options.retry?.backoffMultiplier ?? d.retry.backoffMultiplier,
    },
  };
}

/**
 * The strings a diagnostic must never contain: every header value, and for `scheme value`
 * headers (`Bearer x`) each long enough part, plus URL-encoded forms.
 */
export function secretsOf(config: Pick<ResolvedOtlpConfig, "headers" | "url">): string[] {
  const out = new Set<string>();
  const add = (s: string): void => {
    if (s.length < 4) return; // too short to be a credential; scrubbing it would mangle messages
    out.add(s);
    const enc = encodeURIComponent(s);
    if (enc !== s) out.add(enc);
  };
  for (const v of Object.values(config.headers)) {
    add(v);
    for (const part of v.split(/\s+/)) if (part.length >= 8) add(part);
  }
  try {
    const u = new URL(config.url);
    if (u.password) add(decodeURIComponent(u.password));
    if (u.username) add(decodeURIComponent(u.username));
  } catch {
    /* the URL was validated already */
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Replaces every secret in `text` with `[REDACTED]`. Linear in text × secrets (split/join). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[REDACTED]");
  return out;
}
