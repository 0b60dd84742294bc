/**
 * Shared pieces of the secret scanner (secrets.ts): replacement markers, an ASCII character-class
 * table, and the scan state that assembles the output and counts the characters matchers read.
 */

/** Replacement for a secret value. */
export const REDACTED = "[REDACTED]";
/** Replacement inside URLs (OTel semconv `url.full`: `REDACTED:REDACTED@host`, `?sig=REDACTED`). */
export const URL_REDACTED = "REDACTED";

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

export const ALNUM = 1; // [A-Za-z0-9]
export const TAIL = 2; // API-key tail: [A-Za-z0-9_-]
export const IDENT = 4; // assignment name: [A-Za-z0-9_.-]
export const TOKEN = 8; // bearer token68: [A-Za-z0-9._~+/=-]
export const WS = 16; // space, tab
export const STOP = 32; // ends a URL authority or an unquoted value
export const CLASS = new Uint8Array(128);
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
export const cls = (c: number): number => (c < 128 ? CLASS[c]! : 0);
export const isUpper = (c: number): boolean => c >= 65 && c <= 90;
export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Result of {@link scanSecrets}: the redacted text and how many characters the scan read. */
export interface ScanResult {
  text: string;
  /** Characters read, outer loop included: at most a small constant times the input length. */
  reads: number;
  /** Number of replacements made. */
  found: number;
}

/** Mutable scan state: output pieces and the read counter. */
export class Scan {
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
export function runEnd(sc: Scan, i: number, flag: number): number {
  const s = sc.s;
  let j = i;
  while (j < s.length && cls(s.charCodeAt(j)) & flag) j++;
  sc.reads += j - i;
  return j;
}

export const isAlnumAt = (s: string, k: number): boolean => {
  const c = s.charCodeAt(k);
  return c < 128 && (CLASS[c]! & ALNUM) !== 0;
};

