/** Returns the current time in milliseconds since the epoch; injectable for tests. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();
