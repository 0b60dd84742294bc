/**
 * A scriptable OTLP/HTTP traces receiver for tests: listens on 127.0.0.1:0, accepts
 * `POST /v1/traces` as JSON or protobuf (gzip or not), decodes every request into spans with
 * its own protobuf wire decoder (independent of the encoder under test), records each request
 * with its arrival and answer times, and answers as a script says (status sequences,
 * Retry-After, refusals of chosen spans, hangs, dropped connections, partial success).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as zlib from "node:zlib";

export type AttrValue = string | number | boolean | null | AttrValue[] | { [k: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attrs;
  droppedAttributesCount: number;
  events: Array<{ name: string; timeUnixNano: bigint; attributes: Attrs }>;
  droppedEventsCount: number;
  links: Array<{ traceId: string; spanId: string; attributes: Attrs }>;
  droppedLinksCount: number;
  status: { code: number; message: string };
  resource: { attributes: Attrs; schemaUrl: string };
  scope: { name: string; version: string; schemaUrl: string };
}

export interface ReceivedRequest {
  index: number;
  /** `Date.now()` when the request arrived and when it was answered. */
  receivedAt: number;
  answeredAt?: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  encoding: "json" | "protobuf" | "unknown";
  gzip: boolean;
  /** Body size after decompression. */
  bytes: number;
  spans: ReceivedSpan[];
  decodeError?: string;
  /** Status sent back (undefined: hung or destroyed). */
  status?: number;
}

export interface Reply {
  status?: number;
  statusMessage?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Never answer (the socket stays open until the receiver closes). */
  hang?: boolean;
  /** Destroy the connection after reading the body, without answering. */
  destroy?: boolean;
}

/** Decides the reply to a request; undefined means 200 with an empty success body. */
export type Script = (req: ReceivedRequest) => Reply | undefined;

export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  script: Script | undefined;
  private readonly _server: http.Server;
  private readonly _hung: http.ServerResponse[] = [];

  private constructor(server: http.Server) {
    this._server = server;
  }

  static async start(script?: Script): Promise<OtlpReceiver> {
    const server = http.createServer();
    const rx = new OtlpReceiver(server);
    rx.script = script;
    server.on("request", (req, res) => rx._onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return rx;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this._server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `${this.baseUrl}/v1/traces`;
  }

  /** Spans of the requests answered 2xx, in arrival order. */
  accepted(): ReceivedSpan[] {
    return this.requests.filter((r) => r.status !== undefined && r.status < 300).flatMap((r) => r.spans);
  }

  /** spanId → how many times it was accepted. */
  acceptedCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const s of this.accepted()) m.set(s.spanId, (m.get(s.spanId) ?? 0) + 1);
    return m;
  }

  /** Answers the first `n` requests with `status` (and headers), then 200. */
  failTimes(n: number, status: number, headers?: Record<string, string>): void {
    this.script = (req) => (req.index < n ? { status, headers } : undefined);
  }

  /** Refuses with `status` every request containing a span named `name`. */
  refuseSpanNamed(name: string, status: number): void {
    this.script = (req) => (req.spans.some((s) => s.name === name) ? { status, body: '{"code":3,"message":"refused"}' } : undefined);
  }

  async close(): Promise<void> {
    for (const res of this._hung.splice(0)) res.destroy();
    this._server.closeAllConnections();
    await new Promise<void>((resolve) => this._server.close(() => resolve()));
  }

  private _onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const rec: ReceivedRequest = {
      index: this.requests.length,
      receivedAt: Date.now(),
      path: req.url ?? "",
      headers: req.headers,
      encoding: "unknown",
      gzip: req.headers["content-encoding"] === "gzip",
      bytes: 0,
      spans: [],
    };
    this.requests.push(rec);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => undefined);
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      const type = String(req.headers["content-type"] ?? "");
      try {
        if (rec.gzip) body = zlib.gunzipSync(body);
        rec.bytes = body.length;
        if (type.startsWith("application/json")) {
          rec.encoding = "json";
          rec.spans = decodeJsonRequest(body);
        } else if (type.startsWith("application/x-protobuf")) {
          rec.encoding = "protobuf";
          rec.spans = decodeProtobufRequest(body);
        } else {
          rec.decodeError = `unexpected content-type ${type}`;
        }
      } catch (e) {
        rec.decodeError = String(e);
      }
      let reply: Reply | undefined;
      try {
        reply = this.script?.(rec);
      } catch (e) {
        reply = { status: 500, body: String(e) };
      }
      if (rec.decodeError && !reply) reply = { status: 400, body: rec.decodeError };
      if (reply?.hang) {
        this._hung.push(res);
        return;
      }
      if (reply?.destroy) {
        req.socket.destroy();
        return;
      }
      const status = reply?.status ?? 200;
      const ctype = rec.encoding === "protobuf" ? "application/x-protobuf" : "application/json";
      const out = reply?.body ?? (rec.encoding === "protobuf" ? Buffer.alloc(0) : "{}");
      rec.status = status;
      rec.answeredAt = Date.now();
      const headers = { "content-type": ctype, ...(reply?.headers ?? {}) };
      if (reply?.statusMessage !== undefined) res.writeHead(status, reply.statusMessage, headers);
      else res.writeHead(status, headers);
      res.end(out);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// OTLP/JSON
// ---------------------------------------------------------------------------------------------

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function jsonAny(v: J | undefined): AttrValue {
  if (!v) return null;
  if ("stringValue" in v) return v.stringValue;
  if ("boolValue" in v) return v.boolValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("bytesValue" in v) return `base64:${v.bytesValue}`;
  if ("arrayValue" in v) return ((v.arrayValue?.values ?? []) as J[]).map(jsonAny);
  if ("kvlistValue" in v) return jsonAttrs(v.kvlistValue?.values);
  return null;
}

function jsonAttrs(list: J[] | undefined): Attrs {
  const out: Attrs = Object.create(null);
  for (const kv of list ?? []) out[kv.key] = jsonAny(kv.value);
  return out;
}

function decodeJsonRequest(body: Buffer): ReceivedSpan[] {
  const req = JSON.parse(body.toString("utf8")) as J;
  const out: ReceivedSpan[] = [];
  for (const rs of (req.resourceSpans ?? []) as J[]) {
    const resource = { attributes: jsonAttrs(rs.resource?.attributes), schemaUrl: rs.schemaUrl ?? rs.resource?.schemaUrl ?? "" };
    for (const ss of (rs.scopeSpans ?? []) as J[]) {
      const scope = { name: ss.scope?.name ?? "", version: ss.scope?.version ?? "", schemaUrl: ss.schemaUrl ?? "" };
      for (const s of (ss.spans ?? []) as J[]) {
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? "",
          flags: s.flags ?? 0,
          name: s.name,
          kind: s.kind ?? 0,
          startTimeUnixNano: BigInt(s.startTimeUnixNano),
          endTimeUnixNano: BigInt(s.endTimeUnixNano),
          attributes: jsonAttrs(s.attributes),
          droppedAttributesCount: s.droppedAttributesCount ?? 0,
          events: ((s.events ?? []) as J[]).map((e) => ({ name: e.name, timeUnixNano: BigInt(e.timeUnixNano), attributes: jsonAttrs(e.attributes) })),
          droppedEventsCount: s.droppedEventsCount ?? 0,
          links: ((s.links ?? []) as J[]).map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: jsonAttrs(l.attributes) })),
          droppedLinksCount: s.droppedLinksCount ?? 0,
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// OTLP/protobuf: a minimal wire-format reader and the trace messages of opentelemetry-proto
// ---------------------------------------------------------------------------------------------

interface Field {
  no: number;
  wire: number;
  varint?: bigint;
  fixed?: Buffer; // 8 or 4 bytes
  bytes?: Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error("truncated varint");
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error("varint too long");
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) yield { no, wire, varint: varint() };
    else if (wire === 1) {
      yield { no, wire, fixed: buf.subarray(pos, pos + 8) };
      pos += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new Error("truncated field");
      yield { no, wire, bytes: buf.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === 5) {
      yield { no, wire, fixed: buf.subarray(pos, pos + 4) };
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

const str = (f: Field): string => f.bytes!.toString("utf8");
const hex = (f: Field): string => f.bytes!.toString("hex");
const u64 = (f: Field): bigint => f.fixed!.readBigUInt64LE(0);

function pbAny(buf: Buffer): AttrValue {
  let v: AttrValue = null;
  for (const f of fields(buf)) {
    if (f.no === 1) v = str(f);
    else if (f.no === 2) v = f.varint !== 0n;
    else if (f.no === 3) v = Number(BigInt.asIntN(64, f.varint!));
    else if (f.no === 4) v = f.fixed!.readDoubleLE(0);
    else if (f.no === 5) v = [...fields(f.bytes!)].filter((x) => x.no === 1).map((x) => pbAny(x.bytes!));
    else if (f.no === 6) v = pbKeyValues([...fields(f.bytes!)].filter((x) => x.no === 1));
    else if (f.no === 7) v = `base64:${f.bytes!.toString("base64")}`;
  }
  return v;
}

function pbKeyValues(list: Field[]): Attrs {
  const out: Attrs = Object.create(null);
  for (const kvField of list) {
    let key = "";
    let value: AttrValue = null;
    for (const f of fields(kvField.bytes!)) {
      if (f.no === 1) key = str(f);
      else if (f.no === 2) value = pbAny(f.bytes!);
    }
    out[key] = value;
  }
  return out;
}

function pbAttrsOf(buf: Buffer, attrField: number): Attrs {
  return pbKeyValues([...fields(buf)].filter((f) => f.no === attrField));
}

function pbSpan(buf: Buffer, resource: ReceivedSpan["resource"], scope: ReceivedSpan["scope"]): ReceivedSpan {
  const s: ReceivedSpan = {
    traceId: "", spanId: "", parentSpanId: "", flags: 0, name: "", kind: 0, startTimeUnixNano: 0n, endTimeUnixNano: 0n,
    attributes: {}, droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 0, message: "" }, resource, scope,
  };
  const attrs: Field[] = [];
  for (const f of fields(buf)) {
    switch (f.no) {
      case 1: s.traceId = hex(f); break;
      case 2: s.spanId = hex(f); break;
      case 4: s.parentSpanId = hex(f); break;
      case 5: s.name = str(f); break;
      case 6: s.kind = Number(f.varint); break;
      case 7: s.startTimeUnixNano = u64(f); break;
      case 8: s.endTimeUnixNano = u64(f); break;
      case 9: attrs.push(f); break;
      case 10: s.droppedAttributesCount = Number(f.varint); break;
      case 11: {
        const e = { name: "", timeUnixNano: 0n, attributes: pbAttrsOf(f.bytes!, 3) };
        for (const g of fields(f.bytes!)) {
          if (g.no === 1) e.timeUnixNano = u64(g);
          else if (g.no === 2) e.name = str(g);
        }
        s.events.push(e);
        break;
      }
      case 12: s.droppedEventsCount = Number(f.varint); break;
      case 13: {
        const l = { traceId: "", spanId: "", attributes: pbAttrsOf(f.bytes!, 4) };
        for (const g of fields(f.bytes!)) {
          if (g.no === 1) l.traceId = hex(g);
          else if (g.no === 2) l.spanId = hex(g);
        }
        s.links.push(l);
        break;
      }
      case 14: s.droppedLinksCount = Number(f.varint); break;
      case 15:
        for (const g of fields(f.bytes!)) {
          if (g.no === 2) s.status.message = str(g);
          else if (g.no === 3) s.status.code = Number(g.varint);
        }
        break;
      case 16: s.flags = f.fixed!.readUInt32LE(0); break;
    }
  }
  s.attributes = pbKeyValues(attrs);
  return s;
}

function decodeProtobufRequest(body: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rsField of fields(body)) {
    if (rsField.no !== 1) continue;
    const resource = { attributes: {} as Attrs, schemaUrl: "" };
    const scopeSpans: Buffer[] = [];
    for (const f of fields(rsField.bytes!)) {
      if (f.no === 1) resource.attributes = pbAttrsOf(f.bytes!, 1);
      else if (f.no === 2) scopeSpans.push(f.bytes!);
      else if (f.no === 3) resource.schemaUrl = str(f);
    }
    for (const ssBuf of scopeSpans) {
      const scope = { name: "", version: "", schemaUrl: "" };
      const spans: Buffer[] = [];
      for (const f of fields(ssBuf)) {
        if (f.no === 1) {
          for (const g of fields(f.bytes!)) {
            if (g.no === 1) scope.name = str(g);
            else if (g.no === 2) scope.version = str(g);
          }
        } else if (f.no === 2) spans.push(f.bytes!);
        else if (f.no === 3) scope.schemaUrl = str(f);
      }
      for (const sp of spans) out.push(pbSpan(sp, resource, scope));
    }
  }
  return out;
}
