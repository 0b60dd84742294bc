/**
 * Which attribute / object / parameter names denote secrets. Used by the record walk (values of
 * such keys are redacted whole) and by the text scanner (`name=value`, JSON `"name": "value"`).
 */

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
const keyCache = new Map<string, SecretKeyKind>();

/**
 * How strongly a key names a secret: `0` not at all; `1` only by a `…token` suffix (string values
 * are secrets, numbers are counts like `max_token`); `2` a credential name (every scalar value but
 * booleans is a secret).
 */
export type SecretKeyKind = 0 | 1 | 2;

function classifySecretKey(key: string): SecretKeyKind {
  const seg = key.slice(key.lastIndexOf(".") + 1).toLowerCase();
  if (seg.length === 0) return 0;
  if (SECRET_EXACT.has(seg)) return 2;
  for (const w of SECRET_WORDS) if (seg.includes(w)) return 2;
  // "token" names a credential (access_token, x-auth-token, accessToken); "tokens" counts (max_tokens).
  return seg.endsWith("token") ? 1 : 0;
}

/**
 * Classifies an attribute or object key (see {@link SecretKeyKind}) by its last dot-segment,
 * case-insensitively: it names a credential when it contains `authorization`, `cookie`,
 * `password`, `passwd`, `secret`, `apikey`/`api_key`/`api-key`, `private_key`, `credential`, or
 * is `auth`, `pwd`, `sig`; it names a token when it ends with `token` (not `tokens`). So
 * `http.request.header.authorization`, `ai.request.headers.x-api-key`, `db.password` and
 * `access_token` match, while `gen_ai.usage.input_tokens` and `llm.token_count.prompt` do not.
 */
export function secretKeyKind(key: string): SecretKeyKind {
  if (key.length > KEY_CACHE_MAX_KEY_LENGTH) return classifySecretKey(key);
  let kind = keyCache.get(key);
  if (kind === undefined) {
    kind = classifySecretKey(key);
    // Keys repeat across spans; a full cache is simply cleared (bounded, no LRU bookkeeping).
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(key, kind);
  }
  return kind;
}

/** True when `key` names a secret in any way ({@link secretKeyKind} is not 0). */
export function isSecretKey(key: string): boolean {
  return secretKeyKind(key) !== 0;
}

/** True when a URL query parameter name carries a credential (semconv list, OAuth, secret keys). */
export function isQuerySecretName(name: string): boolean {
  return QUERY_SECRET_NAMES.has(name.toLowerCase()) || isSecretKey(name);
}
