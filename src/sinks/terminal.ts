/**
 * Terminal safety for the console sink: showing untrusted span text without letting the
 * terminal interpret it (RELIABILITY.md §4.4, CWE-150), and deciding whether to colour.
 *
 * Escaping is one pass over UTF-16 code units with no regular expression, so its cost is linear
 * in the input (the ansi-regex ReDoS, CVE-2021-3807, came from stripping with a regex).
 */

/** Default cap, in UTF-16 code units of the source text, of one displayed field. */
export const DEFAULT_MAX_FIELD_LENGTH = 200;

/** Appended to a field cut for display. */
export const DISPLAY_ELLIPSIS = "…";

const HEX = "0123456789abcdef";

/**
 * True for a BMP code unit that must never reach a terminal raw. The set (documented in the
 * console sink's TSDoc):
 * - C0 controls U+0000–U+001F (all of them, `\n` and `\t` included: one span is one line),
 *   DEL U+007F and C1 controls U+0080–U+009F (U+009B is a one-character CSI);
 * - bidi controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069 (Trojan Source,
 *   CVE-2021-42574) and the line/paragraph separators U+2028, U+2029;
 * - invisible characters with no place in a span name: U+200B (zero-width space), U+2060–U+2065
 *   (word joiner, invisible operators), U+FEFF (BOM), U+FFF9–U+FFFB (annotation controls).
 * ZWNJ/ZWJ (U+200C, U+200D) stay raw: Persian, Indic scripts and emoji sequences need them and
 * they cannot move or hide other text. Backslash is escaped too, so the display is unambiguous.
 */
export function isUnsafeCodeUnit(c: number): boolean {
  if (c < 0x20) return true;
  if (c < 0x7f) return c === 0x5c;
  if (c <= 0x9f) return true;
  if (c < 0x061c) return false;
  if (c === 0x061c) return true;
  if (c < 0x200b) return false;
  if (c <= 0x200f) return c !== 0x200c && c !== 0x200d;
  if (c < 0x2028) return false;
  if (c <= 0x202e) return true;
  if (c < 0x2060) return false;
  if (c <= 0x2069) return true;
  if (c === 0xfeff) return true;
  return c >= 0xfff9 && c <= 0xfffb;
}

/** Tag characters U+E0000–U+E007F (high surrogate U+DB40, low U+DC00–U+DC7F): invisible text ("ASCII smuggling"). */
function isTagPair(hi: number, lo: number): boolean {
  return hi === 0xdb40 && lo <= 0xdc7f;
}

function hex2(c: number): string {
  return HEX[(c >> 4) & 15]! + HEX[c & 15]!;
}

function hex4(c: number): string {
  return hex2(c >> 8) + hex2(c);
}

function escapeUnit(c: number): string {
  switch (c) {
    case 0x0a:
      return "\\n";
    case 0x09:
      return "\\t";
    case 0x0d:
      return "\\r";
    case 0x5c:
      return "\\\\";
    default:
      return c < 0x100 ? "\\x" + hex2(c) : "\\u" + hex4(c);
  }
}

/**
 * Makes untrusted text safe to print: every character of the unsafe set ({@link isUnsafeCodeUnit},
 * tag characters, lone surrogates) is shown as a visible escape — `\n`, `\t`, `\r`, `\\`,
 * `\x1b`, `\u202e`, `\u{e0041}`, lone surrogates as `\ud800`. Everything else is kept.
 *
 * When `maxLength` is given and the text is longer, only its first `maxLength` code units are
 * shown (never half a surrogate pair) followed by {@link DISPLAY_ELLIPSIS}.
 * Linear time, no regular expression. Without truncation, the escaping is reversible.
 */
export function escapeForTerminal(s: string, maxLength?: number): string {
  const n = s.length;
  let limit = n;
  let cut = false;
  if (maxLength !== undefined && n > maxLength) {
    limit = Math.max(0, Math.floor(maxLength));
    const c = s.charCodeAt(limit - 1);
    if (limit > 0 && c >= 0xd800 && c <= 0xdbff) limit--; // keep a pair whole or drop it
    cut = true;
  }
  let out = "";
  let last = 0;
  for (let i = 0; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          if (isTagPair(c, d)) {
            out += s.slice(last, i) + "\\u{" + (0xe0000 + (d - 0xdc00)).toString(16) + "}";
            last = i + 2;
          }
          i++;
          continue;
        }
      }
      out += s.slice(last, i) + "\\u" + hex4(c); // lone surrogate
      last = i + 1;
    } else if (isUnsafeCodeUnit(c)) {
      out += s.slice(last, i) + escapeUnit(c);
      last = i + 1;
    }
  }
  if (last === 0 && !cut) return s;
  out += s.slice(last, limit);
  return cut ? out + DISPLAY_ELLIPSIS : out;
}

/**
 * Post-processes a `JSON.stringify` result for a terminal. `JSON.stringify` already escapes
 * C0 controls, `"`, `\` and lone surrogates; this escapes the rest of the unsafe set (DEL, C1,
 * bidi, U+2028/U+2029, invisible characters, tag characters) as JSON `\uXXXX` escapes, so the
 * line stays valid, equal JSON. Those characters can only occur inside JSON strings.
 */
export function escapeJsonForTerminal(json: string): string {
  let out = "";
  let last = 0;
  const n = json.length;
  for (let i = 0; i < n; i++) {
    const c = json.charCodeAt(i);
    if (c < 0x7f) continue; // fast path: ASCII (JSON already escaped C0, `"` and `\`)
    if (c === 0xdb40 && i + 1 < n) {
      const d = json.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdc7f) {
        out += json.slice(last, i) + "\\udb40\\u" + hex4(d);
        last = i + 2;
        i++;
      }
      continue;
    }
    if (isUnsafeCodeUnit(c)) {
      out += json.slice(last, i) + "\\u" + hex4(c);
      last = i + 1;
    }
  }
  return last === 0 ? json : out + json.slice(last);
}

// ---------------------------------------------------------------------------------------------
// Colour decision
// ---------------------------------------------------------------------------------------------

/** The environment variables {@link shouldUseColors} reads. */
export type ColorEnv = Readonly<Record<string, string | undefined>>;

/**
 * `FORCE_COLOR` as supports-color and Node's `tty.getColorDepth` read it: `0`/`false` force off;
 * `1`/`2`/`3`/`true` and the empty string force on; any other value is ignored.
 */
export function forceColorFromEnv(env: ColorEnv): boolean | undefined {
  const v = env.FORCE_COLOR;
  if (v === undefined) return undefined;
  switch (v.trim().toLowerCase()) {
    case "0":
    case "false":
      return false;
    case "":
    case "1":
    case "2":
    case "3":
    case "true":
      return true;
    default:
      return undefined;
  }
}

/**
 * Whether to colour output written to `stream`. First decisive rule wins:
 * 1. the `colors` option, when given in code;
 * 2. `FORCE_COLOR` (see {@link forceColorFromEnv}) — it overrides `NO_COLOR`, as in Node's own
 *    `getColorDepth` and supports-color, and enables colours even when the stream is not a TTY;
 * 3. `NO_COLOR` set to any non-empty value disables (https://no-color.org);
 * 4. `TERM=dumb` disables;
 * 5. otherwise colours only when the stream is a TTY.
 */
export function shouldUseColors(
  stream: { isTTY?: boolean } | undefined,
  env: ColorEnv = process.env,
  colors?: boolean,
): boolean {
  if (colors !== undefined) return colors;
  const forced = forceColorFromEnv(env);
  if (forced !== undefined) return forced;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream?.isTTY === true;
}

/** SGR styles used by the tree. Each painted run resets itself; runs never nest. */
export const STYLES = {
  red: "31",
  green: "32",
  yellow: "33",
  blue: "34",
  magenta: "35",
  cyan: "36",
  dim: "2",
  boldRed: "1;31",
} as const;
export type StyleName = keyof typeof STYLES;

/** Paints already-escaped text: a no-op when colours are off. */
export type Painter = (style: StyleName, text: string) => string;

export function createPainter(enabled: boolean): Painter {
  if (!enabled) return (_style, text) => text;
  return (style, text) => (text === "" ? text : `\x1b[${STYLES[style]}m${text}\x1b[0m`);
}
