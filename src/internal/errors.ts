/** `s`, cut to 200 characters (diagnostics and drop details stay short). */
export function clipText(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * Error text for diagnostics and drop details: `name: message`, at most 200 characters. Never
 * throws and runs no user code beyond reading `name` and `message`: a revoked Proxy, throwing
 * getters or non-string fields give a generic text (`instanceof` itself throws on a revoked Proxy).
 */
export function errorText(e: unknown): string {
  try {
    if (e instanceof Error) {
      const name: unknown = e.name;
      const message: unknown = e.message;
      return clipText(`${typeof name === "string" ? name : "Error"}: ${typeof message === "string" ? message : ""}`);
    }
  } catch {
    // a hostile thrown value
  }
  return "non-Error value";
}

/** {@link errorText}, a thrown string as itself and a thrown primitive as its text (clipped); never calls a user `toString`. */
export function thrownText(e: unknown): string {
  switch (typeof e) {
    case "string":
      return clipText(e);
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(e);
    default:
      return e === null ? "null" : errorText(e);
  }
}
