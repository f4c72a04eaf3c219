/** Attributes for {@link serializeCookie}. */
export interface CookieAttributes {
  readonly maxAgeSeconds?: number;
  readonly path?: string;
  readonly httpOnly?: boolean;
  readonly secure?: boolean;
  readonly sameSite?: "Strict" | "Lax" | "None";
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[!#-+\--:<-[\]-~]*$/;

/**
 * Parses a `Cookie` request header into name → value (first occurrence wins). Values are exactly
 * as sent — not URL-decoded, double quotes kept — so a signed value has one accepted spelling.
 */
export function parseCookieHeader(header: string | string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  const text = Array.isArray(header) ? header.join("; ") : (header ?? "");
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name.length > 0 && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** Serializes a `Set-Cookie` header value; throws on names/values that would need escaping. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes = {}): string {
  if (!COOKIE_NAME.test(name)) throw new Error(`Hamlet: invalid cookie name ${JSON.stringify(name)}`);
  if (!COOKIE_VALUE.test(value)) throw new Error("Hamlet: invalid cookie value");
  const parts = [`${name}=${value}`];
  if (attributes.maxAgeSeconds !== undefined) {
    const maxAge = Math.max(0, Math.floor(attributes.maxAgeSeconds));
    parts.push(`Max-Age=${maxAge}`);
    if (maxAge === 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  }
  parts.push(`Path=${attributes.path ?? "/"}`);
  if (attributes.httpOnly ?? true) parts.push("HttpOnly");
  if (attributes.secure) parts.push("Secure");
  parts.push(`SameSite=${attributes.sameSite ?? "Lax"}`);
  return parts.join("; ");
}
