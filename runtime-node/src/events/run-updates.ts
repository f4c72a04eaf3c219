import type { RunUpdate } from "./types.js";

/** In-process fan-out of run updates; a throwing listener is reported, never breaks the others. */
export function createRunUpdates(onError: (error: unknown) => void): {
  publish(update: RunUpdate): void;
  subscribe(listener: (update: RunUpdate) => void): () => void;
} {
  const listeners = new Set<(update: RunUpdate) => void>();
  return {
    publish(update) {
      for (const listener of listeners) {
        try {
          listener(update);
        } catch (error) {
          onError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
