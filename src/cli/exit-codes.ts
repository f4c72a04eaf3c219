/** Exit codes, as documented in the README. */
export const ExitCode = {
  /** Success; warnings allowed. */
  ok: 0,
  /** Schema errors, unformatted files (`fmt --check`) or stale output (`build --check`). */
  failed: 1,
  /** Bad usage, a broken configuration, or an internal error. */
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
