import type { FastifyReply, FastifyRequest } from "fastify";
import { isDatabaseUnavailable } from "./db/unavailable.js";

/** Body of every error reply produced by the runtime: a tagged union value, often with a message. */
export interface ErrorReply {
  readonly tag: string;
  /** What was wrong with the request, precisely enough to fix it (client errors only). */
  readonly message?: string;
}

/** Tag for a client error status. */
export function clientErrorTag(status: number): string {
  switch (status) {
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 408:
      return "RequestTimeout";
    case 413:
      return "PayloadTooLarge";
    case 415:
      return "UnsupportedMediaType";
    default:
      return "BadRequest";
  }
}

/**
 * The reply to a client error: an {@link HttpError}'s own tag and message; Fastify's errors
 * (codes `FST_…`, written for clients) keep their message under the status's tag.
 */
export function clientErrorBody(error: unknown, status: number, bodyLimitBytes: number): ErrorReply {
  if (error instanceof HttpError) return { tag: error.tag, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (status === 413)
    return { tag: "PayloadTooLarge", message: `the request body is larger than ${bodyLimitBytes} bytes` };
  if (typeof code === "string" && code.startsWith("FST_") && error instanceof Error) {
    return { tag: clientErrorTag(status), message: error.message };
  }
  return { tag: clientErrorTag(status) };
}

/** Reads a numeric `statusCode` from an unknown thrown value, if any. */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const status = (error as { statusCode: unknown }).statusCode;
    if (typeof status === "number" && Number.isInteger(status)) return status;
  }
  return undefined;
}

/** Seconds a client should wait before retrying after a 503 (sent as `Retry-After`). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Answers an error nobody handled: 503 `{"tag":"ServiceUnavailable"}` with `Retry-After` when the
 * database is unreachable (see `isDatabaseUnavailable`; logged as a warning, not a crash),
 * otherwise `crashed()` reports it and the reply is 500 `{"tag":"InternalError"}` with no details.
 */
export function sendUnexpectedError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  crashed: () => void,
): FastifyReply {
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, "database unavailable");
    return reply.code(503).header("retry-after", String(RETRY_AFTER_SECONDS)).send({ tag: "ServiceUnavailable" });
  }
  crashed();
  return reply.code(500).send({ tag: "InternalError" });
}

/** A client error with the tag and message of its reply: `{"tag": tag, "message": message}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly tag: string,
    message: string,
  ) {
    super(message);
  }
}
