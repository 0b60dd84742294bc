import fc from "fast-check";
import {
  createPainter,
  DISPLAY_ELLIPSIS,
  escapeForTerminal,
  escapeJsonForTerminal,
  forceColorFromEnv,
  isUnsafeCodeUnit,
  shouldUseColors,
} from "../../src/sinks/terminal";

/** Inverse of escapeForTerminal (test oracle): `\\`, `\n`, `\t`, `\r`, `\xNN`, `\uNNNN`, `\u{N}`. */
function unescapeTerminal(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const k = s[++i];
    if (k === "\\") out += "\\";
    else if (k === "n") out += "\n";
    else if (k === "t") out += "\t";
    else if (k === "r") out += "\r";
    else if (k === "x") {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (k === "u" && s[i + 1] === "{") {
      const end = s.indexOf("}", i);
      out += String.fromCodePoint(parseInt(s.slice(i + 2, end), 16));
      i = end;
    } else if (k === "u") {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw new Error(`bad escape at ${i}: ${k}`);
  }
  return out;
}

/**
 * No code unit the terminal could interpret: no unsafe unit (backslash aside, which is printable
 * and only escaped for unambiguity), no lone surrogate, no tag character.
 */
function isTerminalSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      if (c === 0xdb40 && d <= 0xdc7f) return false;
      i++;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
    if (c !== 0x5c && isUnsafeCodeUnit(c)) return false;
  }
  return true;
}

/** Strings of arbitrary UTF-16 code units (lone surrogates included), biased toward hostile ones. */
const HOSTILE_UNITS = ["\x1b", "[", "]", ";", "\x07", "\x9b", "\r", "\n", "\t", "\x00", "\x7f", "\\", "\u202e", "\u2066", "\u2028", "\u2029", "\u200b", "\u200d", "\ufeff", "\ud800", "\udc00", "\udb40", "\udc41", "é", "😀"];
const anyUtf16 = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom(...HOSTILE_UNITS),
  ),
  maxLength: 200,
});

describe("escapeForTerminal", () => {
  it.each([
    ["clear screen", "a\x1b[2Jb", "a\\x1b[2Jb"],
    ["OSC 52 clipboard write", "\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"],
    ["OSC 8 hyperlink", "\x1b]8;;http://x\x1b\\link", "\\x1b]8;;http://x\\x1b\\\\link"],
    ["C1 CSI", "x\x9b31m", "x\\x9b31m"],
    ["BEL, BS, NUL, DEL", "\x07\x08\x00\x7f", "\\x07\\x08\\x00\\x7f"],
    ["bare CR and newline and tab", "a\rb\nc\td", "a\\rb\\nc\\td"],
    ["bidi override (Trojan Source)", "admin\u202e\u2066txt", "admin\\u202e\\u2066txt"],
    ["bidi marks", "\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    ["invisible characters", "a\u200bb\u2060c\ufeffd", "a\\u200bb\\u2060c\\ufeffd"],
    ["lone surrogates", "a\ud800b\udfffc", "a\\ud800b\\udfffc"],
    ["reversed pair", "\udc00\ud800", "\\udc00\\ud800"],
    ["tag characters (ASCII smuggling)", "hi\u{e0041}\u{e007f}", "hi\\u{e0041}\\u{e007f}"],
    ["backslash", "C:\\temp", "C:\\\\temp"],
  ])("escapes %s", (_label, input, expected) => {
    expect(escapeForTerminal(input)).toBe(expected);
  });

  it("keeps printable text, pairs, ZWJ/ZWNJ emoji and scripts unchanged (same string)", () => {
    const s = "chat gpt-4o é 日本語 😀 👨\u200d👩\u200d👧 می\u200cخواهم";
    expect(escapeForTerminal(s)).toBe(s);
  });

  it("truncates to maxLength code units with an ellipsis and never splits a surrogate pair", () => {
    expect(escapeForTerminal("abcdef", 3)).toBe("abc" + DISPLAY_ELLIPSIS);
    expect(escapeForTerminal("abc", 3)).toBe("abc");
    expect(escapeForTerminal("a😀b", 2)).toBe("a" + DISPLAY_ELLIPSIS); // 😀 is 2 units: kept whole or dropped
    expect(escapeForTerminal("a😀b", 3)).toBe("a😀" + DISPLAY_ELLIPSIS);
    expect(escapeForTerminal("\x1b\x1b\x1b", 2)).toBe("\\x1b\\x1b" + DISPLAY_ELLIPSIS);
  });

  it("property: output is terminal-safe, reversible, and bounded in size", () => {
    fc.assert(
      fc.property(anyUtf16, (s) => {
        const out = escapeForTerminal(s);
        expect(isTerminalSafe(out)).toBe(true);
        for (let i = 0; i < out.length; i++) expect(out.charCodeAt(i)).toBeGreaterThanOrEqual(0x20);
        expect(unescapeTerminal(out)).toBe(s);
        expect(out.length).toBeLessThanOrEqual(s.length * 6);
      }),
      { numRuns: 500 },
    );
  });

  it("property: truncated output is terminal-safe and shows a prefix of the input", () => {
    fc.assert(
      fc.property(anyUtf16, fc.integer({ min: 0, max: 50 }), (s, max) => {
        const out = escapeForTerminal(s, max);
        expect(isTerminalSafe(out)).toBe(true);
        if (s.length <= max) return;
        expect(out.endsWith(DISPLAY_ELLIPSIS)).toBe(true);
        const shown = unescapeTerminal(out.slice(0, -DISPLAY_ELLIPSIS.length));
        expect(s.startsWith(shown)).toBe(true);
        expect(shown.length).toBeGreaterThanOrEqual(max - 1);
      }),
      { numRuns: 300 },
    );
  });

  it("handles the ansi-regex ReDoS shape (ESC [ followed by 1e6 semicolons) in one pass", () => {
    const s = "\x1b[" + ";".repeat(1_000_000);
    const out = escapeForTerminal(s);
    expect(out).toBe("\\x1b[" + ";".repeat(1_000_000));
  });
});

describe("escapeJsonForTerminal", () => {
  it("escapes what JSON.stringify leaves raw and keeps the JSON equal", () => {
    const value = { name: "a\x7fb\x9bc\u2028d\u202ee\u200bf\u{e0041}g é 😀", n: [1, "\x1b[2J"] };
    const json = JSON.stringify(value);
    const out = escapeJsonForTerminal(json);
    expect(out).toContain("\\u007f");
    expect(out).toContain("\\u009b");
    expect(out).toContain("\\u2028");
    expect(out).toContain("\\u202e");
    expect(out).toContain("\\udb40\\udc41");
    expect(out).toContain("😀");
    expect(JSON.parse(out)).toEqual(value);
    expect(isTerminalSafe(out)).toBe(true);
  });

  it("property: any string survives JSON round trip and the line is terminal-safe", () => {
    fc.assert(
      fc.property(anyUtf16, (s) => {
        const out = escapeJsonForTerminal(JSON.stringify({ s }));
        expect(isTerminalSafe(out)).toBe(true);
        expect(out).not.toContain("\n");
        expect((JSON.parse(out) as { s: string }).s).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});

describe("colour decision", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };

  it.each([
    ["TTY, no env", tty, {}, undefined, true],
    ["pipe, no env", pipe, {}, undefined, false],
    ["NO_COLOR=1 on a TTY", tty, { NO_COLOR: "1" }, undefined, false],
    ["NO_COLOR empty is ignored (no-color.org: non-empty)", tty, { NO_COLOR: "" }, undefined, true],
    ["FORCE_COLOR=1 on a pipe", pipe, { FORCE_COLOR: "1" }, undefined, true],
    ["FORCE_COLOR=3 on a pipe", pipe, { FORCE_COLOR: "3" }, undefined, true],
    ["FORCE_COLOR=true on a pipe", pipe, { FORCE_COLOR: "true" }, undefined, true],
    ["FORCE_COLOR empty on a pipe", pipe, { FORCE_COLOR: "" }, undefined, true],
    ["FORCE_COLOR=0 on a TTY", tty, { FORCE_COLOR: "0" }, undefined, false],
    ["FORCE_COLOR=false on a TTY", tty, { FORCE_COLOR: "false" }, undefined, false],
    ["FORCE_COLOR=foo is ignored", pipe, { FORCE_COLOR: "foo" }, undefined, false],
    ["FORCE_COLOR wins over NO_COLOR", pipe, { FORCE_COLOR: "1", NO_COLOR: "1" }, undefined, true],
    ["TERM=dumb on a TTY", tty, { TERM: "dumb" }, undefined, false],
    ["option true beats FORCE_COLOR=0", tty, { FORCE_COLOR: "0" }, true, true],
    ["option false beats FORCE_COLOR=1", pipe, { FORCE_COLOR: "1" }, false, false],
  ] as const)("%s", (_label, stream, env, option, expected) => {
    expect(shouldUseColors(stream, env, option)).toBe(expected);
  });

  it("forceColorFromEnv reads unset as undefined", () => {
    expect(forceColorFromEnv({})).toBeUndefined();
    expect(forceColorFromEnv({ FORCE_COLOR: "2" })).toBe(true);
  });

  it("painter adds SGR codes only when enabled", () => {
    expect(createPainter(false)("red", "x")).toBe("x");
    expect(createPainter(true)("red", "x")).toBe("\x1b[31mx\x1b[0m");
    expect(createPainter(true)("dim", "")).toBe("");
  });
});
