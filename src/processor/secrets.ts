/**
 * Linear-time secret detection in untrusted span text (RELIABILITY.md §4.2–4.3, faults E5/E6).
 *
 * A quantifier-free regular expression (an alternation of short literals) finds candidate
 * positions; hand-written anchored matchers check each one. Every matcher either reads a bounded
 * number of characters or consumes what it reads (the search resumes after it), and a character
 * can only be read by a constant number of matchers, so the cost is O(length) for any input.
 * `scanSecrets` counts the characters its matchers read so tests can assert that by structure.
 *
 * What is replaced (the key or scheme stays, only the secret goes):
 * - API-key shaped tokens at a word start → `[REDACTED]`: OpenAI / Anthropic / Langfuse / OpenRouter
 *   `sk-…` (incl. `sk-proj-`, `sk-ant-`), Stripe `sk_live_`/`sk_test_`/`rk_live_`, GitHub `ghp_` `gho_`
 *   `ghu_` `ghs_` `ghr_` `github_pat_`, GitLab `glpat-`, Slack `xoxb-` `xoxp-` `xoxa-` `xoxr-`,
 *   Google `AIza…`, Hugging Face `hf_…`, AWS key ids `AKIA…`/`ASIA…`, and JWTs (`eyJ….….…`). A tail
 *   must be long enough and hold a digit or capital letter, so words like `sk-learn-models` survive.
 * - `Bearer <token>` / `Basic <base64>` (any case) → the token becomes `[REDACTED]`.
 * - URL user info: `https://user:pass@host` → `https://REDACTED:REDACTED@host` (semconv `url.full`).
 * - Query parameters after `?`/`&` named like a credential (`X-Amz-Signature`, `X-Amz-Credential`,
 *   `X-Amz-Security-Token`, `AWSAccessKeyId`, `Signature`, `sig`, `X-Goog-Signature`, `token`,
 *   `access_token`, `api_key`, `key`, `code`, …, or any secret key name) → `name=REDACTED`
 *   (a bare `REDACTED`, as semconv does, keeps the URL valid).
 * - `name=value` / `name="value"` assignments (env dumps, connection strings) and JSON text
 *   `"name": "value"` (also escaped `\"name\": \"value\"`) when `name` is a secret key
 *   ({@link secretKeyKind}) → `[REDACTED]`.
 * Replacing is idempotent: a second pass changes nothing.
 */
import { matchAssignmentAt, matchJsonPair } from "./secret-pairs";
import {
  IDENT,
  REDACTED,
  Scan,
  STOP,
  TAIL,
  TOKEN,
  URL_REDACTED,
  WS,
  cls,
  isAlnumAt,
  isDigit,
  isUpper,
  runEnd,
  type ScanResult,
} from "./secret-scan";

export { REDACTED, URL_REDACTED, type ScanResult } from "./secret-scan";

/** Key prefixes by first character code: `[prefix, minimum tail length]`. */
const PREFIXES: Array<Array<readonly [string, number]> | undefined> = new Array(128);
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
  (PREFIXES[p.charCodeAt(0)] ??= []).push([p, min]);
}

/** API-key prefixes and JWTs at a word start. Returns the resume index, or -1. */
function matchKeyToken(sc: Scan, i: number): number {
  const s = sc.s;
  const c = s.charCodeAt(i);
  if (c === 101 /* e */ && i >= sc.noJwtBefore && s.startsWith("eyJ", i)) {
    const run = runEnd(sc, i, TAIL | IDENT); // base64url plus dots
    let end = run;
    while (end > i && s.charCodeAt(end - 1) === 46) end--; // a sentence's full stop
    let dots = 0;
    for (let k = i; k < end; k++) if (s.charCodeAt(k) === 46) dots++;
    sc.reads += end - i;
    if (dots === 2 && end - i >= 30) {
      sc.replace(i, end, REDACTED);
      return end;
    }
    // Any later `eyJ` in this run ends at the same place: do not scan the run again.
    sc.noJwtBefore = run;
    return -1;
  }
  const candidates = i >= sc.noKeyBefore ? PREFIXES[c] : undefined;
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

/**
 * Finds the places where a secret may start. Quantifier-free alternation of short literals: at
 * each position it tries a fixed set of alternatives of at most 11 characters, so it is linear
 * (no backtracking to speak of) and much faster than a JavaScript character loop. Every candidate
 * is then checked by the anchored, hand-written matchers above.
 */
const CANDIDATE =
  /sk[-_]|rk_|gh[pousr]_|github_pat_|glpat-|xox[bpar]-|AIza|A[KS]IA|hf_|eyJ|[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]|:\/\/|[="]/g;

/**
 * A first pass for strings of 64 characters or more: every alternative of CANDIDATE but
 * Bearer/Basic contains one of these (`sk[-_]`, `rk_`, `gh?_`, `github_pat_`, `glpat-`, `xox?-`,
 * `hf_` a `-` or `_`; `AIza`, `A[KS]IA` an `A`; `eyJ` a `J`; `://`, `=`, `"` themselves), so a
 * string holding none of them and no Bearer/Basic has no candidate. An alternative added to
 * CANDIDATE must contain one too (the tests plant every kind of secret in long prose).
 * Why: CANDIDATE's alternatives start with common letters (s, r, g, h, e, b), so in prose it
 * stops at about every third character (~1 ns/char), while `includes` of a character the text
 * lacks runs at memchr speed (~0.01 ns/char) and AUTH_CANDIDATE, 5–6 literal characters, lets
 * the engine skip ahead (~0.15 ns/char). On message text without any of them the first pass
 * costs about a third of one CANDIDATE pass; text with one is scanned as before (the first pass
 * then usually stops early). Each probe is one linear pass, so the whole stays linear.
 */
const ANCHORS = ["=", '"', "://", "-", "_", "A", "J"] as const;
const AUTH_CANDIDATE = /[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc]/;
/** Below this length one CANDIDATE test costs less than the eight calls of the first pass (measured on prose). */
const FIRST_PASS_MIN_LENGTH = 64;

/** False when `s` holds no CANDIDATE match (so no secret); true when it may. Linear. */
function mayHoldSecret(s: string): boolean {
  if (s.length < FIRST_PASS_MIN_LENGTH) {
    CANDIDATE.lastIndex = 0;
    return CANDIDATE.test(s);
  }
  for (const a of ANCHORS) if (s.includes(a)) return true;
  return AUTH_CANDIDATE.test(s);
}

/**
 * Scans `s` once and replaces every secret it recognizes (see the module comment). Linear in
 * `s.length`; `reads` counts the characters the anchored matchers read (the candidate search
 * itself reads each character a bounded number of times).
 */
export function scanSecrets(s: string): ScanResult {
  // The common case: no candidate, found without running CANDIDATE over the whole string.
  return mayHoldSecret(s) ? scanCandidates(s) : { text: s, reads: s.length, found: 0 };
}

/** The scan proper: every CANDIDATE match checked by the matchers. */
function scanCandidates(s: string): ScanResult {
  const re = CANDIDATE;
  re.lastIndex = 0;
  let m = re.exec(s);
  if (m === null) return { text: s, reads: s.length, found: 0 };
  const sc = new Scan(s);
  for (; m !== null; m = re.exec(s)) {
    const i = m.index;
    const c = s.charCodeAt(i);
    let resume = -1;
    if (c === 61 /* = */) resume = matchAssignmentAt(sc, i);
    else if (c === 34 /* " */) resume = matchJsonPair(sc, i > 0 && s.charCodeAt(i - 1) === 92 ? i - 1 : i);
    else if (c === 58 /* : */) resume = matchUserInfo(sc, i);
    else if (i === 0 || !isAlnumAt(s, i - 1)) {
      resume = matchKeyToken(sc, i);
      if (resume < 0 && (c | 0x20) === 98 /* b */) resume = matchAuthScheme(sc, i);
    }
    // On a miss, look again from the next character: candidates may overlap.
    re.lastIndex = resume >= 0 ? Math.max(resume, i + 1) : i + 1;
    sc.reads++;
  }
  sc.reads += s.length;
  return sc.result();
}

/** {@link scanSecrets} without the counters: `s` with every recognized secret replaced (`s` itself when none). */
export function redactText(s: string): string {
  // Most strings hold no candidate at all: answer without allocating anything.
  return mayHoldSecret(s) ? scanCandidates(s).text : s;
}
