/** `s`, cut to 200 characters (diagnostics and drop details stay short). */
export function clipText(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Error text for diagnostics and drop details: `name: message`, at most 200 characters. */
export function errorText(e: unknown): string {
  return clipText(e instanceof Error ? `${e.name}: ${e.message}` : "non-Error value");
}
