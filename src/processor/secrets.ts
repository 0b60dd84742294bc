/**
 * Linear-time secret detection for untrusted span text (RELIABILITY.md §4.2–4.3, fault E5/E6).
 *
 * No regular expressions: one left-to-right scan with a character-class table, and anchored
 * checks at a handful of trigger characters. Every inner scan either has a constant bound or
 * consumes the characters it reads (the scan resumes after them), and no character can be read
 * by more than a constant number of inner scans, so the cost is O(length) for any input —
 * `scanSecrets` reports the characters it read so tests can assert that by structure.
 *
 * What is replaced (the key or scheme is kept, only the secret goes):
 * - API-key shaped tokens at a word start, `[REDACTED]`: OpenAI / Anthropic / Langfuse / OpenRouter
 *   `sk-…` (incl. `sk-proj-`, `sk-ant-`), Stripe `sk_live_`/`sk_test_`/`rk_live_`, GitHub `ghp_` `gho_`
 *   `ghu_` `ghs_` `ghr_` `github_pat_`, GitLab `glpat-`, Slack `xoxb-` `xoxp-` `xoxa-` `xoxr-`,
 *   Google `AIza…`, Hugging Face `hf_…`, AWS key ids `AKIA…`/`ASIA…`, and JWTs (`eyJ….….…`). A tail
 *   must be long enough and contain a digit or capital letter, so words like `sk-learn` survive.
 * - `Bearer <token>` / `Basic <base64>` (any case), `[REDACTED]` for the token.
 * - URL user info: `https://user:pass@host` → `https://REDACTED:REDACTED@host` (semconv `url.full`).
 * - Query parameters after `?`/`&` named like a credential (`X-Amz-Signature`, `X-Amz-Credential`,
 *   `X-Amz-Security-Token`, `AWSAccessKeyId`, `Signature`, `sig`, `X-Goog-Signature`, `token`,
 *   `access_token`, `api_key`, `key`, `code`, …, or any {@link isSecretKey} name) → `name=REDACTED`
 *   (semconv keeps URLs valid with a bare `REDACTED`).
 * - `name=value` / `name="value"` assignments (env dumps, connection strings) and JSON text
 *   `"name": "value"` (also escaped `\"name\": \"value\"`) when `name` is a secret key → `[REDACTED]`.
 */

/** Replacement for a secret value. */
export const REDACTED = "[REDACTED]";
/** Replacement inside URLs (OTel semconv `url.full`: `REDACTED:REDACTED@host`, `?sig=REDACTED`). */
export const URL_REDACTED = "REDACTED";

// ---------------------------------------------------------------------------------------------
// Secret key names
// ---------------------------------------------------------------------------------------------

/** A key names a secret when its last dot-segment (lower-cased) contains one of these. */
const SECRET_WORDS: readonly string[] = [
  "authorization",
  "cookie",
  "password",
  "passwd",
  "secret",
  "apikey",
  "api_key",
  "api-key",
  "private_key",
  "privatekey",
  "private-key",
  "credential",
];
/** …or is exactly one of these (too generic to match as a substring). */
const SECRET_EXACT: ReadonlySet<string> = new Set(["auth", "pwd", "x-auth", "sig", "x-amz-signature"]);
/** Query parameter names that carry credentials (semconv http-spans list plus OAuth names). */
const QUERY_SECRET_NAMES: ReadonlySet<string> = new Set([
  "x-amz-signature",
  "x-amz-credential",
  "x-amz-security-token",
  "awsaccesskeyid",
  "signature",
  "sig",
  "x-goog-signature",
  "x-goog-credential",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "api_key",
  "apikey",
  "api-key",
  "key",
  "code",
  "auth",
  "password",
  "secret",
]);

const KEY_CACHE_MAX = 4096;
const KEY_CACHE_MAX_KEY_LENGTH = 200;
const keyCache = new Map<string, boolean>();

function classifySecretKey(key: string): boolean {
  const seg = key.slice(key.lastIndexOf(".") + 1).toLowerCase();
  if (seg.length === 0) return false;
  // "token" names a credential (access_token, x-auth-token, accessToken); "tokens" counts (max_tokens).
  if (seg.endsWith("token")) return true;
  if (SECRET_EXACT.has(seg)) return true;
  for (const w of SECRET_WORDS) if (seg.includes(w)) return true;
  return false;
}

/**
 * True when an attribute or object key names a secret: its last dot-segment, case-insensitively,
 * contains `authorization`, `cookie`, `password`, `passwd`, `secret`, `apikey`/`api_key`/`api-key`,
 * `private_key`, `credential`; or ends with `token` (not `tokens`); or is `auth`, `pwd`, `sig`.
 * So `http.request.header.authorization`, `ai.request.headers.x-api-key`, `db.password` and
 * `access_token` match, while `gen_ai.usage.input_tokens` and `llm.token_count.prompt` do not.
 */
export function isSecretKey(key: string): boolean {
  if (key.length > KEY_CACHE_MAX_KEY_LENGTH) return classifySecretKey(key);
  let hit = keyCache.get(key);
  if (hit === undefined) {
    hit = classifySecretKey(key);
    // Keys repeat across spans; a full cache is simply cleared (bounded, no LRU bookkeeping).
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(key, hit);
  }
  return hit;
}

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

const ALNUM = 1; // [A-Za-z0-9]
const TAIL = 2; // API-key tail: [A-Za-z0-9_-]
const IDENT = 4; // assignment name: [A-Za-z0-9_.-]
const TOKEN = 8; // bearer token68: [A-Za-z0-9._~+/=-]
const WS = 16; // space, tab
const STOP = 32; // ends a URL authority or an unquoted value
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  let f = 0;
  if (/[A-Za-z0-9]/.test(ch)) f |= ALNUM | TAIL | IDENT | TOKEN;
  if (ch === "_" || ch === "-") f |= TAIL | IDENT | TOKEN;
  if (ch === ".") f |= IDENT | TOKEN;
  if ("~+/=".includes(ch)) f |= TOKEN;
  if (ch === " " || ch === "\t") f |= WS;
  if (c <= 32 || c === 127 || "\"'<>`\\{}|".includes(ch)) f |= STOP;
  CLASS[c] = f;
}
const cls = (c: number): number => (c < 128 ? CLASS[c]! : 0);
const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Key prefixes by first character: `[prefix, minimum tail length]`. */
const PREFIXES = new Map<number, ReadonlyArray<readonly [string, number]>>();
for (const [p, min] of [
  ["sk-", 20],
  ["sk_live_", 16],
  ["sk_test_", 16],
  ["rk_live_", 16],
  ["ghp_", 20],
  ["gho_", 20],
  ["ghu_", 20],
  ["ghs_", 20],
  ["ghr_", 20],
  ["github_pat_", 20],
  ["glpat-", 20],
  ["xoxb-", 10],
  ["xoxp-", 10],
  ["xoxa-", 10],
  ["xoxr-", 10],
  ["AIza", 30],
  ["hf_", 30],
  ["AKIA", 16],
  ["ASIA", 16],
] as const) {
  const c = p.charCodeAt(0);
  PREFIXES.set(c, [...(PREFIXES.get(c) ?? []), [p, min]]);
}

// ---------------------------------------------------------------------------------------------
// The scanner
// ---------------------------------------------------------------------------------------------

/** Result of {@link scanSecrets}: the redacted text and how many characters the scan read. */
export interface ScanResult {
  text: string;
  /** Characters read, outer loop included: at most a small constant times the input length. */
  reads: number;
  /** Number of replacements made. */
  found: number;
}

/** Mutable scan state: output pieces and the read counter. */
class Scan {
  reads = 0;
  found = 0;
  /** Key-prefix / JWT checks are pointless before these indexes (see matchKeyToken). */
  noKeyBefore = 0;
  noJwtBefore = 0;
  private _out = "";
  private _last = 0;
  constructor(readonly s: string) {}
  replace(start: number, end: number, text: string): void {
    this._out += this.s.slice(this._last, start) + text;
    this._last = end;
    this.found++;
  }
  result(): ScanResult {
    const text = this.found === 0 ? this.s : this._out + this.s.slice(this._last);
    return { text, reads: this.reads, found: this.found };
  }
}

/** End of the run of characters with class `flag` starting at `i`. */
function runEnd(sc: Scan, i: number, flag: number): number {
  const s = sc.s;
  let j = i;
  while (j < s.length && cls(s.charCodeAt(j)) & flag) j++;
  sc.reads += j - i;
  return j;
}

/** API-key prefixes and JWTs at a word start. Returns the resume index, or -1. */
function matchKeyToken(sc: Scan, i: number): number {
  const s = sc.s;
  const c = s.charCodeAt(i);
  if (c === 101 /* e */ && i >= sc.noJwtBefore && s.startsWith("eyJ", i)) {
    const end = runEnd(sc, i, TAIL | IDENT); // base64url plus dots
    let dots = 0;
    for (let k = i; k < end; k++) if (s.charCodeAt(k) === 46) dots++;
    sc.reads += end - i;
    if (dots === 2 && end - i >= 30) {
      sc.replace(i, end, REDACTED);
      return end;
    }
    // Any later `eyJ` in this run ends at the same place: do not scan the run again.
    sc.noJwtBefore = end;
    return -1;
  }
  const candidates = i >= sc.noKeyBefore ? PREFIXES.get(c) : undefined;
  if (!candidates) return -1;
  for (const [p, min] of candidates) {
    sc.reads += p.length;
    if (!s.startsWith(p, i)) continue;
    const tail = i + p.length;
    const end = runEnd(sc, tail, TAIL);
    if (end - tail < min) continue; // short: bounded by the largest minimum
    if (hasDigitOrUpper(sc, tail, end)) {
      sc.replace(i, end, REDACTED);
      return end;
    }
    // A long tail with no digit or capital is a word (`sk-learn-…`); every later prefix in the
    // same run has a suffix of it as tail, so none can match: skip the run (keeps this linear).
    sc.noKeyBefore = end;
    return -1;
  }
  return -1;
}

function hasDigitOrUpper(sc: Scan, start: number, end: number): boolean {
  const s = sc.s;
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (isDigit(c) || isUpper(c)) {
      sc.reads += k - start;
      return true;
    }
  }
  sc.reads += end - start;
  return false;
}

/** `Bearer <token>` / `Basic <base64>`, case-insensitive, at a word start. */
function matchAuthScheme(sc: Scan, i: number): number {
  const s = sc.s;
  let kw: "bearer" | "basic";
  if (startsWithLower(s, i, "bearer")) kw = "bearer";
  else if (startsWithLower(s, i, "basic")) kw = "basic";
  else return -1;
  sc.reads += kw.length;
  const ws = i + kw.length;
  const tokStart = runEnd(sc, ws, WS);
  if (tokStart === ws) return -1;
  const end = runEnd(sc, tokStart, TOKEN);
  const len = end - tokStart;
  let ok: boolean;
  if (kw === "bearer") ok = len >= 32 || (len >= 8 && hasNonLower(s, tokStart + 1, end));
  else ok = len >= 8 && len % 4 === 0 && hasNonLower(s, tokStart, end);
  sc.reads += len;
  if (!ok) return -1;
  sc.replace(tokStart, end, REDACTED);
  return end;
}

function startsWithLower(s: string, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function hasNonLower(s: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (!(c >= 97 && c <= 122)) return true;
  }
  return false;
}

/** `scheme://userinfo@host`: `i` is at the `:` of `://`. */
function matchUserInfo(sc: Scan, i: number): number {
  const s = sc.s;
  const start = i + 3;
  let at = -1;
  let colon = false;
  let j = start;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */ || cls(c) & STOP) break;
    if (c === 64 /* @ */) at = j;
  }
  sc.reads += j - start;
  if (at <= start) return -1;
  for (let k = start; k < at; k++) if (s.charCodeAt(k) === 58) colon = true;
  sc.reads += at - start;
  sc.replace(start, at, colon ? `${URL_REDACTED}:${URL_REDACTED}` : URL_REDACTED);
  return at;
}

/** End of a `name=value` value starting at `v`: quoted values to their closing quote. */
function valueEnd(sc: Scan, v: number): [start: number, end: number, resume: number] {
  const s = sc.s;
  const q = s.charCodeAt(v);
  if (q === 34 || q === 39) {
    const close = s.indexOf(String.fromCharCode(q), v + 1);
    const end = close < 0 ? s.length : close;
    sc.reads += end - v;
    return [v + 1, end, close < 0 ? end : close + 1];
  }
  let j = v;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (cls(c) & STOP || c === 38 /* & */ || c === 35 /* # */ || c === 59 /* ; */ || c === 44 /* , */ || c === 41 || c === 93) break;
  }
  sc.reads += j - v;
  return [v, j, j];
}

/** `name=value` where `i` is at `=` and `name` spans [nameStart, i). */
function matchAssignment(sc: Scan, nameStart: number, i: number, query: boolean): number {
  const s = sc.s;
  if (i - nameStart > 64 || i + 1 >= s.length) return -1;
  const next = s.charCodeAt(i + 1);
  if (next === 61 /* == */ || cls(next) & WS) return -1;
  const name = s.slice(nameStart, i);
  sc.reads += name.length;
  const secret = query ? QUERY_SECRET_NAMES.has(name.toLowerCase()) || isSecretKey(name) : isSecretKey(name);
  if (!secret) return -1;
  const [vs, ve, resume] = valueEnd(sc, i + 1);
  if (ve <= vs) return -1;
  sc.replace(vs, ve, query ? URL_REDACTED : REDACTED);
  return resume;
}

/** JSON text `"key": "value"` (or the escaped form `\"key\": \"value\"`), `i` at the opening quote. */
function matchJsonPair(sc: Scan, i: number): number {
  const s = sc.s;
  const escaped = s.charCodeAt(i) === 92;
  const qlen = escaped ? 2 : 1;
  const isQuote = (k: number): boolean =>
    escaped ? s.charCodeAt(k) === 92 && s.charCodeAt(k + 1) === 34 : s.charCodeAt(k) === 34;
  const keyStart = i + qlen;
  let k = keyStart;
  // Keys are short: a bounded look-ahead keeps a string of quotes linear.
  while (k < s.length && k - keyStart <= 64 && !isQuote(k) && s.charCodeAt(k) !== 92) k++;
  sc.reads += k - keyStart;
  if (k >= s.length || !isQuote(k) || k === keyStart) return -1;
  if (!isSecretKey(s.slice(keyStart, k))) return -1;
  let j = k + qlen;
  const skipWs = (): void => {
    const stop = Math.min(s.length, j + 8);
    while (j < stop && s.charCodeAt(j) <= 32) j++;
  };
  skipWs();
  if (s.charCodeAt(j) !== 58 /* : */) return -1;
  j++;
  skipWs();
  sc.reads += j - k;
  if (!isQuote(j)) return -1;
  const vs = j + qlen;
  let e = vs;
  for (; e < s.length; e++) {
    const c = s.charCodeAt(e);
    if (c === 92 /* \ */) {
      if (escaped) {
        if (s.startsWith('\\\\\\"', e)) e += 3; // an escaped quote inside a double-encoded value
        else if (s.charCodeAt(e + 1) === 34) break;
        else e++;
      } else e++;
    } else if (!escaped && c === 34) break;
  }
  sc.reads += e - vs;
  const end = Math.min(e, s.length);
  sc.replace(vs, end, REDACTED);
  return end >= s.length ? s.length : end + qlen;
}

/**
 * Scans `s` once and replaces every secret it recognizes (see the module comment). Linear in
 * `s.length`; `reads` counts every character read, for tests.
 */
export function scanSecrets(s: string): ScanResult {
  const sc = new Scan(s);
  const n = s.length;
  let identStart = -1; // start of the current [A-Za-z0-9_.-] run, or -1
  let identQuery = false; // that run follows `?` or `&`
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const f = cls(c);
    let resume = -1;
    if (f & ALNUM && !(cls(prev) & ALNUM)) {
      resume = matchKeyToken(sc, i);
      if (resume < 0 && (c | 0x20) === 98 /* b */) resume = matchAuthScheme(sc, i);
    } else if (c === 58 /* : */ && s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47) {
      resume = matchUserInfo(sc, i);
    } else if (c === 61 /* = */ && identStart >= 0) {
      resume = matchAssignment(sc, identStart, i, identQuery);
    } else if (c === 34 || (c === 92 && s.charCodeAt(i + 1) === 34)) {
      resume = matchJsonPair(sc, i);
    }
    if (resume >= 0) {
      i = resume - 1;
      identStart = -1;
      prev = resume > 0 ? s.charCodeAt(resume - 1) : 0;
      continue;
    }
    if (f & IDENT) {
      if (identStart < 0) {
        identStart = i;
        identQuery = prev === 63 /* ? */ || prev === 38 /* & */;
      }
    } else identStart = -1;
    prev = c;
  }
  sc.reads += n;
  return sc.result();
}

/** {@link scanSecrets} without the counters: `s` with every recognized secret replaced. */
export function redactText(s: string): string {
  return scanSecrets(s).text;
}
