/**
 * What the server refuses before a handler runs, each with a tagged reply that says exactly what
 * was wrong: JSON bodies (invalid UTF-8, malformed JSON with its line and column, `__proto__` /
 * `constructor.prototype` keys with their path), repeated Host headers, bad percent-encodings,
 * over-long path parameters; and connection-level errors Node answers itself (timeouts,
 * oversized headers, unparsable requests).
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpError } from "../error-replies.js";
import { findJsonSyntaxError } from "./json-error.js";

/** Parses `application/json` bodies strictly (replaces Fastify's parser). */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The JSON value of a request body, or an {@link HttpError} 400 that says what is wrong and where. */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    // A JSON body must be UTF-8; replacing bad bytes with U+FFFD would store something else.
    throw new HttpError(
      400,
      "BadRequest",
      `the JSON body is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(body)})`,
    );
  }
  if (text.trim().length === 0) throw new HttpError(400, "BadRequest", "the JSON body is empty");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "BadRequest", `malformed JSON: ${describeSyntaxError(text, error as Error)}`);
  }
  const poisoned = findPrototypeKey(value, "$");
  if (poisoned !== null) throw new HttpError(400, "BadRequest", `forbidden key ${poisoned}`);
  return value;
}

/** `expected ":", found "}" at line 3, column 8`. */
function describeSyntaxError(text: string, error: Error): string {
  const problem = findJsonSyntaxError(text);
  if (problem === null) return error.message; // JSON.parse refused what the scanner accepts: say what it said
  return `${problem.message} at line ${problem.line}, column ${problem.column}`;
}

/** Offset of the first byte that breaks UTF-8 (the fatal decoder does not say); -1 when valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // Length and the allowed range of the second byte (excludes overlongs, surrogates, > U+10FFFF).
    const [length, low, high] =
      lead >= 0xc2 && lead <= 0xdf
        ? [2, 0x80, 0xbf]
        : lead === 0xe0
          ? [3, 0xa0, 0xbf]
          : lead === 0xed
            ? [3, 0x80, 0x9f]
            : lead >= 0xe1 && lead <= 0xef
              ? [3, 0x80, 0xbf]
              : lead === 0xf0
                ? [4, 0x90, 0xbf]
                : lead >= 0xf1 && lead <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : lead === 0xf4
                    ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return i;
    }
    i += length;
  }
  return -1;
}

/** The path of the first `__proto__` key or `constructor.prototype` pair, e.g. `"__proto__" at $.a[2]`. */
function findPrototypeKey(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findPrototypeKey(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return `"__proto__" at ${path}`;
    const child = (value as Record<string, unknown>)[key];
    if (key === "constructor" && typeof child === "object" && child !== null && Object.hasOwn(child, "prototype")) {
      return `"constructor.prototype" at ${path}`;
    }
    const found = findPrototypeKey(child, `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/** Limits of {@link checkRequest}. */
export interface RequestLimits {
  /** Longest path parameter, in characters after decoding. */
  readonly maxParamLength: number;
}

/**
 * Refuses a request whose head is ambiguous or malformed: more than one `Host` header, a query
 * string with a bad percent-encoding, a path parameter longer than the limit.
 */
export function checkRequest(request: FastifyRequest, limits: RequestLimits): void {
  const raw = request.raw.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === "host") hosts++;
  if (hosts > 1) throw new HttpError(400, "BadRequest", `the request has ${hosts} Host headers; send exactly one`);
  const url = request.raw.url ?? "";
  const queryAt = url.indexOf("?");
  if (queryAt >= 0) {
    const bad = badPercentEncoding(url.slice(queryAt + 1));
    if (bad !== null)
      throw new HttpError(400, "BadRequest", `bad percent-encoding ${JSON.stringify(bad)} in the query string`);
  }
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string" && value.length > limits.maxParamLength) {
      throw new HttpError(
        400,
        "BadRequest",
        `path parameter "${name}" is ${value.length} characters long; the limit is ${limits.maxParamLength}`,
      );
    }
  }
}

/** The first `%…` sequence of a URL part that does not decode (bad hex or invalid UTF-8), or `null`. */
export function badPercentEncoding(part: string): string | null {
  for (const piece of part.split(/[&=]/)) {
    if (!piece.includes("%")) continue;
    const malformed = /%(?![0-9A-Fa-f]{2})..?/.exec(piece);
    if (malformed !== null) return malformed[0];
    try {
      decodeURIComponent(piece.replace(/\+/g, " "));
    } catch {
      return /(%[0-9A-Fa-f]{2})+/.exec(piece)?.[0] ?? piece;
    }
  }
  return null;
}

/**
 * Answers errors Node's HTTP parser raises before Fastify sees a request, in the runtime's
 * `{tag, message}` shape: 408 `RequestTimeout` (headers or body too slow), 431
 * `HeadersTooLarge`, 400 `BadRequest` (unparsable request), then closes the connection.
 */
export function clientErrorReply(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  let status = 400;
  let body: { tag: string; message: string } = {
    tag: "BadRequest",
    message: "the request could not be parsed as HTTP/1.1",
  };
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    status = 408;
    body = { tag: "RequestTimeout", message: "the request (headers and body) did not arrive in time" };
  } else if (error.code === "HPE_HEADER_OVERFLOW") {
    status = 431;
    body = { tag: "HeadersTooLarge", message: "the request headers are larger than the server accepts" };
  } else if (error.code === "HPE_INVALID_HEADER_TOKEN" || error.code === "HPE_INVALID_CONSTANT") {
    body = { tag: "BadRequest", message: "the request has a malformed header" };
  }
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}
