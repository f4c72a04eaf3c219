import type { RetryPolicy } from "./types.js";

/**
 * Delay before the next delivery after `attempt` (1-based) failed: exponential doubles from
 * `initialMs` up to `maxMs`, with "equal jitter" (half fixed, half random) so that a burst of
 * failures does not come back as a burst; fixed waits `delayMs`.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  if (policy.backoff.kind === "fixed") return Math.max(0, policy.backoff.delayMs);
  const { initialMs, maxMs } = policy.backoff;
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const capped = Math.min(maxMs, initialMs * 2 ** exponent);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** True when no attempt is left after `attempt` failed. */
export function attemptsExhausted(policy: RetryPolicy, attempt: number): boolean {
  return attempt >= Math.max(1, policy.attempts);
}
