/** The CLI's exit codes, one table for every command (the README prints the same table). */
export const EXIT = {
  /** Fine. */
  ok: 0,
  /** A `--fail-on` warning fired, or a check failed. */
  failed: 1,
  /** Invalid input or usage. */
  invalid: 2,
  /** Nothing to do, e.g. no fix to apply. */
  nothing: 3,
  /** An internal error: a bug of ours, reported in one line (the stack only with --debug). */
  internal: 70,
} as const;

/** One of the exit codes above. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
