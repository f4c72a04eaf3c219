/**
 * Callbacks that run once a unit of work committed: `context.afterCommit(fn)` on event handlers,
 * workflow steps, service reactions and endpoints. They run after a successful commit and never
 * after a rollback; an error (thrown or a rejected promise) is reported, never thrown to the caller.
 */

/** What `afterCommit` accepts: its promise, if any, is not awaited. */
export type AfterCommitCallback = () => void | Promise<void>;

/** Runs `callbacks` in order; each failure goes to `onError`. */
export function runAfterCommit(callbacks: readonly AfterCommitCallback[], onError: (error: unknown) => void): void {
  for (const callback of callbacks) {
    try {
      const result = callback();
      if (result !== undefined) result.catch(onError);
    } catch (error) {
      onError(error);
    }
  }
}
