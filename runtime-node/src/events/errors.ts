import type { PayloadIssue } from "./types.js";

/** An error that retrying cannot fix (invalid payload, unknown event): dead-lettered at once. */
export class PermanentEventError extends Error {
  override readonly name = "PermanentEventError";
}

/** The last attempt's process stopped without finishing (its lease expired): no attempt is left. */
export class AttemptsExhaustedError extends PermanentEventError {}

/** The payload failed its validator; the message lists every issue with its path. */
export function invalidPayloadError(name: string, issues: readonly PayloadIssue[]): PermanentEventError {
  const details = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  return new PermanentEventError(`payload of ${name} is invalid: ${details}`);
}

/** The claim was lost (lease expired and another process took the event): roll back, do not record. */
export class LostClaimError extends Error {
  override readonly name = "LostClaimError";
}

/**
 * The handler found, inside its transaction, that its work was settled elsewhere meanwhile (a
 * workflow step whose run ended while the step waited on slow work): its writes roll back and the
 * event is completed, neither retried nor recorded as failed. The runtime throws it for workflow
 * steps; an event handler may throw it too, e.g. when a row it re-reads shows another process
 * already did the work.
 */
export class SupersededError extends Error {
  override readonly name = "SupersededError";
}

/** A short, single-line description of whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`.slice(0, 2000);
  return String(error).slice(0, 2000);
}
