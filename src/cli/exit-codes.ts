/** The documented exit codes of every preflight command. */
export const EXIT = {
  /** GO: no blocking check failed. */
  GO: 0,
  /** NO-GO: a blocking check failed. */
  NO_GO: 1,
  /** The plan or the command line is wrong. */
  USAGE: 2,
  /** preflight itself could not run (a service would not start, a tool is missing). */
  COULD_NOT_RUN: 3,
  /** Interrupted by SIGINT (Ctrl-C). */
  SIGINT: 130,
  /** Stopped by SIGTERM. */
  SIGTERM: 143,
} as const;
