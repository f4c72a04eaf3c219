/** A FIFO async lock: `run` executes callbacks one at a time. */
export interface Mutex {
  run<T>(fn: () => Promise<T> | T): Promise<T>;
}

/** Creates a {@link Mutex}. */
export function createMutex(): Mutex {
  let tail: Promise<void> = Promise.resolve();
  return {
    async run<T>(fn: () => Promise<T> | T): Promise<T> {
      const previous = tail;
      let release!: () => void;
      tail = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
