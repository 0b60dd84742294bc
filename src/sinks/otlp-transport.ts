/**
 * One OTLP/HTTP POST with a total deadline (RELIABILITY.md §5.4), a 4 MiB response cap (OTLP
 * spec) and optional gzip. `node:http`/`node:https`/`node:zlib` are loaded on the first send,
 * so users of the file and console sinks never load HTTP code (STYLE.md practice 1).
 *
 * Differences from the stock `sendWithHttp` (otlp-exporter-base 0.223), which this otherwise
 * mirrors: the attempt timeout is a deadline for the whole exchange, not a socket-idle timeout
 * (a collector that drips bytes can't hold a request open); in-flight requests and the
 * keep-alive agent are destroyed on shutdown; messages are escaped and free of secrets.
 */
import type * as Http from "node:http";
import { safeUnref } from "../internal/timers";
import type { AttemptResult } from "./otlp-retry";
import { isRetryableStatus, parseRetryAfter } from "./otlp-retry";

/** Responses larger than this are abandoned as a non-retryable failure (OTLP spec: 4 MiB). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const USER_AGENT = "canonspan-otlp-sink (Node.js)";
const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ECONNABORTED",
]);

export interface TransportOptions {
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  contentType: string;
  compression: "gzip" | "none";
  maxSockets: number;
  /** Removes secrets from any text that may reach a log or an error. */
  scrub: (text: string) => string;
}

interface Modules {
  request: typeof Http.request;
  agent: Http.Agent;
  gzip?: (data: Uint8Array) => Promise<Buffer>;
}

/** Escapes control, C1, bidi and line-separator characters and caps the length, for logs. */
export function escapeForLog(text: string, max = 200): string {
  let out = "";
  const end = Math.min(text.length, max);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029;
    out += unsafe ? `\\u${c.toString(16).padStart(4, "0")}` : text[i];
  }
  return text.length > max ? `${out}…` : out;
}

export class OtlpHttpTransport {
  private readonly _options: TransportOptions;
  private readonly _url: URL;
  private _modules?: Promise<Modules>;
  private readonly _requests = new Set<Http.ClientRequest>();
  private _closed = false;

  constructor(options: TransportOptions) {
    this._options = options;
    this._url = new URL(options.url);
  }

  /** POSTs `body`; settles within `timeoutMillis` (`Infinity`: no limit). Never rejects. */
  async send(body: Uint8Array, timeoutMillis: number): Promise<AttemptResult> {
    if (this._closed) return { kind: "failure", reason: "shutdown", message: "sink shut down" };
    let mods: Modules;
    let payload: Uint8Array = body;
    try {
      mods = await this._load();
      if (mods.gzip) payload = await mods.gzip(body);
    } catch (e) {
      return { kind: "failure", reason: "error", message: this._text("could not prepare request", e) };
    }
    if (this._closed) return { kind: "failure", reason: "shutdown", message: "sink shut down" };
    return new Promise<AttemptResult>((resolve) => {
      let req: Http.ClientRequest | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const finish = (r: AttemptResult): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (req) this._requests.delete(req);
        resolve(r);
      };
      try {
        const headers: Record<string, string | number> = { ...this._options.headers };
        headers["content-type"] = this._options.contentType;
        headers["content-length"] = payload.byteLength;
        headers["user-agent"] = USER_AGENT;
        if (mods.gzip) headers["content-encoding"] = "gzip";
        else delete headers["content-encoding"];
        req = mods.request(this._url, { method: "POST", headers, agent: mods.agent });
        this._requests.add(req);
        const r = req;
        if (Number.isFinite(timeoutMillis)) {
          timer = safeUnref(
            setTimeout(() => {
              finish({ kind: "retryable", reason: "timeout", message: `no complete response within ${Math.round(timeoutMillis)} ms` });
              r.destroy();
            }, Math.max(1, timeoutMillis)),
          );
        }
        r.on("error", (err: NodeJS.ErrnoException) => finish(this._networkResult(err)));
        r.on("response", (res) => this._onResponse(res, finish));
        r.end(payload);
      } catch (e) {
        // e.g. a header Node refuses; validated at construction, kept as a last resort
        finish({ kind: "failure", reason: "error", message: this._text("request failed", e) });
        req?.destroy();
      }
    });
  }

  /** Destroys in-flight requests (they settle as network errors); the transport stays usable. */
  abortAll(): void {
    for (const r of this._requests) r.destroy();
    this._requests.clear();
  }

  /** Destroys in-flight requests and the keep-alive agent's sockets. Idempotent. */
  shutdown(): void {
    this._closed = true;
    this.abortAll();
    this._modules?.then((m) => m.agent.destroy(), () => undefined);
  }

  private _onResponse(res: Http.IncomingMessage, finish: (r: AttemptResult) => void): void {
    const status = res.statusCode ?? 0;
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        finish({ kind: "failure", reason: "response_too_large", status, message: `response body over ${MAX_RESPONSE_BYTES} bytes` });
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on("error", (err) => {
      if (status >= 200 && status < 300) finish({ kind: "success", status, body: new Uint8Array(0) });
      else finish(this._networkResult(err as NodeJS.ErrnoException));
    });
    res.on("end", () => {
      const body = Buffer.concat(chunks);
      if (status >= 200 && status < 300) {
        finish({ kind: "success", status, body });
        return;
      }
      const detail = this._options.scrub(escapeForLog(`${res.statusMessage ?? ""} ${body.toString("utf8", 0, 400)}`.trim()));
      const message = `HTTP ${status}${detail ? `: ${detail}` : ""}`;
      if (isRetryableStatus(status)) {
        finish({ kind: "retryable", reason: "unavailable", status, retryAfterMs: parseRetryAfter(res.headers["retry-after"]), message });
      } else {
        finish({ kind: "failure", reason: "http", status, message });
      }
    });
  }

  private _networkResult(err: NodeJS.ErrnoException): AttemptResult {
    const code = typeof err?.code === "string" ? err.code : undefined;
    const message = this._text("connection failed", err);
    return code !== undefined && RETRYABLE_NETWORK_CODES.has(code)
      ? { kind: "retryable", reason: "network", message }
      : { kind: "failure", reason: "network", message };
  }

  private _text(prefix: string, e: unknown): string {
    // Not `instanceof Error`: errors from another realm (vm contexts, test runners) fail it.
    const err = typeof e === "object" && e !== null ? (e as Partial<NodeJS.ErrnoException>) : undefined;
    const detail = typeof err?.message === "string" ? `${err.code ?? err.name ?? "Error"}: ${err.message}` : String(e);
    return this._options.scrub(escapeForLog(`${prefix} (${detail})`, 300));
  }

  private _load(): Promise<Modules> {
    this._modules ??= (async () => {
      const agentOptions = { keepAlive: true, maxSockets: this._options.maxSockets };
      let mods: Modules;
      if (this._url.protocol === "https:") {
        const https = await import("node:https");
        mods = { request: https.request as typeof Http.request, agent: new https.Agent(agentOptions) };
      } else {
        const http = await import("node:http");
        mods = { request: http.request, agent: new http.Agent(agentOptions) };
      }
      if (this._options.compression === "gzip") {
        const zlib = await import("node:zlib");
        mods.gzip = (data) =>
          new Promise<Buffer>((resolve, reject) => zlib.gzip(data, (err, out) => (err ? reject(err) : resolve(out))));
      }
      return mods;
    })();
    return this._modules;
  }
}
