/**
 * The scalar checks generated validators call (`@hamlet/runtime-node/validate`). Pure code with
 * no Node.js or Fastify import, so browser bundles of the generated validators can use it; the
 * generated `validators.ts` imports exactly the helpers it needs.
 */
/** One problem found while decoding, with a JSONPath-like location: `$.posts[3].body`. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** The result of a decoder: the value, or every issue found. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: Issue[] };

export const UUID_LOWER_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;
export const EMAIL_RE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Reports the keys `__proto__`, `constructor` and `prototype` (a prototype-pollution vector). */
export function checkKeys(value: Record<string, unknown>, path: string, errors: Issue[]): void {
  if (hasOwn.call(value, "__proto__")) errors.push({ path, message: 'forbidden key "__proto__"' });
  if (hasOwn.call(value, "constructor")) errors.push({ path, message: 'forbidden key "constructor"' });
  if (hasOwn.call(value, "prototype")) errors.push({ path, message: 'forbidden key "prototype"' });
}

export function isForbiddenKey(key: string): boolean {
  return key === "__proto__" || key === "constructor" || key === "prototype";
}

/** Length in Unicode code points (a surrogate pair counts once). */
export function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
const MIN_TIMESTAMP_MS = -62167219200000;
const MAX_TIMESTAMP_MS = 253402300799999;

/**
 * An RFC 3339 timestamp as a `Date` (fraction kept to milliseconds), or undefined — also when the
 * instant's UTC year leaves 0000-9999 (`9999-12-31T23:59:59-01:00`), which could not round-trip.
 */
export function parseTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Number((m[7] + "00").slice(0, 3));
  let time: number;
  if (year >= 100) time = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  else {
    // Date.UTC maps years 0-99 to 1900-1999.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, fraction);
    time = date.getTime();
  }
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMinutes = Number(m[10]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = (offsetHours * 60 + offsetMinutes) * 60000;
    time = m[8] === "+" ? time - offset : time + offset;
  }
  // Only instants whose UTC year is 0000-9999 can be encoded as RFC 3339 and read back.
  if (time < MIN_TIMESTAMP_MS || time > MAX_TIMESTAMP_MS) return undefined;
  return new Date(time);
}

export function isCalendarDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (m === null) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

/**
 * An absolute `http://` or `https://` URL with a host, exactly as the Elm validators (elm/url's
 * `Url.fromString`) accept it: the authority (up to the first `/`, `?` or `#`) is a non-empty
 * host without `@`, optionally followed by `:` and an integer port.
 */
export function isUrl(text: string): boolean {
  const rest = text.startsWith("http://") ? text.slice(7) : text.startsWith("https://") ? text.slice(8) : undefined;
  if (rest === undefined) return false;
  const authority = rest.split(/[/?#]/, 1)[0] as string;
  if (authority.includes("@")) return false;
  const parts = authority.split(":");
  if (parts.length > 2 || (parts.length === 2 && !/^[+-]?[0-9]+$/.test(parts[1] as string))) return false;
  return parts[0] !== "";
}

export function unknownVariant(value: unknown, allowed: string): string {
  return typeof value === "string"
    ? `unknown variant ${JSON.stringify(value)}, expected one of ${allowed}`
    : `expected one of ${allowed}`;
}

export function result<T>(value: T, errors: Issue[]): Decoded<T> {
  return errors.length === 0 ? { ok: true, value } : { ok: false, errors };
}

export function encodeTimestamp(value: Date): string {
  return value.toISOString();
}

export function encodeMap<T>(value: Record<string, T>, encode: (item: T) => unknown): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) if (!isForbiddenKey(key)) out[key] = encode(value[key] as T);
  return out;
}
