import type { Clock } from "../../src/clock.js";

/** A manually advanced clock for TTL tests. */
export interface ManualClock {
  readonly now: Clock;
  advanceSeconds(seconds: number): void;
}

/** Creates a {@link ManualClock} starting at a fixed instant. */
export function manualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advanceSeconds(seconds) {
      current += seconds * 1000;
    },
  };
}
