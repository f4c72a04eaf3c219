/** Body of every error reply produced by the runtime: a tagged union value. */
export interface ErrorReply {
  readonly tag: string;
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
    case 413:
      return "PayloadTooLarge";
    case 415:
      return "UnsupportedMediaType";
    default:
      return "BadRequest";
  }
}

/** Reads a numeric `statusCode` from an unknown thrown value, if any. */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const status = (error as { statusCode: unknown }).statusCode;
    if (typeof status === "number" && Number.isInteger(status)) return status;
  }
  return undefined;
}
