/**
 * Secret matchers for `name=value` pairs in text: query parameters and assignments
 * (`?sig=…`, `password="…"`, `API_KEY=…`) and JSON text (`"api_key": "…"`, also escaped). Each
 * reads a bounded number of characters or consumes what it reads (see secrets.ts).
 */
import { isQuerySecretName, isSecretKey } from "./secret-keys";
import { CLASS, IDENT, REDACTED, Scan, STOP, URL_REDACTED, WS, cls } from "./secret-scan";

/** Ends an unquoted value: whitespace, quotes, `& # ; , ) ]` and the other STOP characters. */
function endsValue(c: number): boolean {
  return (cls(c) & STOP) !== 0 || c === 38 || c === 35 || c === 59 || c === 44 || c === 41 || c === 93;
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
  while (j < s.length && !endsValue(s.charCodeAt(j))) j++;
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
  const secret = query ? isQuerySecretName(name) : isSecretKey(name);
  if (!secret) return -1;
  for (const mark of [REDACTED, URL_REDACTED]) {
    // Already redacted (a second pass): leave it, so redaction is idempotent.
    const after = i + 1 + mark.length;
    if (s.startsWith(mark, i + 1) && (after >= s.length || endsValue(s.charCodeAt(after)))) return after;
  }
  const [vs, ve, resume] = valueEnd(sc, i + 1);
  if (ve <= vs) return -1;
  sc.replace(vs, ve, query ? URL_REDACTED : REDACTED);
  return resume;
}

/** True when a quote (`"`, or `\"` in escaped JSON) starts at `k`. */
function quoteAt(s: string, k: number, escaped: boolean): boolean {
  return escaped ? s.charCodeAt(k) === 92 && s.charCodeAt(k + 1) === 34 : s.charCodeAt(k) === 34;
}

/** Skips at most 8 whitespace characters (bounded, so a run of quotes stays linear). */
function skipSpace(s: string, j: number): number {
  const stop = Math.min(s.length, j + 8);
  while (j < stop && s.charCodeAt(j) <= 32) j++;
  return j;
}

/** JSON text `"key": "value"` (or the escaped form `\"key\": \"value\"`), `i` at the opening quote. */
export function matchJsonPair(sc: Scan, i: number): number {
  const s = sc.s;
  const escaped = s.charCodeAt(i) === 92;
  const qlen = escaped ? 2 : 1;
  const keyStart = i + qlen;
  let k = keyStart;
  // Keys are short: a bounded look-ahead keeps a string of quotes linear.
  const limit = Math.min(s.length, keyStart + 65);
  while (k < limit && !quoteAt(s, k, escaped) && s.charCodeAt(k) !== 92) k++;
  sc.reads += k - keyStart;
  if (k === keyStart || !quoteAt(s, k, escaped)) return -1;
  let j = skipSpace(s, k + qlen);
  if (s.charCodeAt(j) !== 58 /* : */) return -1;
  j = skipSpace(s, j + 1);
  sc.reads += j - k;
  if (!quoteAt(s, j, escaped) || !isSecretKey(s.slice(keyStart, k))) return -1;
  const vs = j + qlen;
  let e = vs;
  for (; e < s.length; e++) {
    const c = s.charCodeAt(e);
    if (c === 92 /* \ */) {
      if (!escaped) e++;
      else if (s.startsWith('\\\\\\"', e)) e += 3; // an escaped quote inside a double-encoded value
      else if (s.charCodeAt(e + 1) === 34) break;
      else e++;
    } else if (!escaped && c === 34) break;
  }
  const end = Math.min(e, s.length);
  sc.reads += end - vs;
  sc.replace(vs, end, REDACTED);
  return end >= s.length ? s.length : end + qlen;
}

/** `name=value` with `i` at `=`: the name is the identifier run just before it (at most 64). */
export function matchAssignmentAt(sc: Scan, i: number): number {
  const s = sc.s;
  let k = i;
  const stop = Math.max(0, i - 65);
  while (k > stop) {
    const c = s.charCodeAt(k - 1);
    if (!(c < 128 && CLASS[c]! & IDENT)) break;
    k--;
  }
  sc.reads += i - k;
  if (k === i || (k === stop && k > 0 && isIdentAt(s, k - 1))) return -1;
  const before = k > 0 ? s.charCodeAt(k - 1) : 0;
  return matchAssignment(sc, k, i, before === 63 /* ? */ || before === 38 /* & */);
}

const isIdentAt = (s: string, k: number): boolean => {
  const c = s.charCodeAt(k);
  return c < 128 && (CLASS[c]! & IDENT) !== 0;
};

