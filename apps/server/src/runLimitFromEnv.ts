/** Runs one user may have going at once when AGENTMINT_MAX_RUNS_PER_USER is unset. */
export const DEFAULT_MAX_RUNS_PER_USER = 8;

/**
 * The per-user concurrent-run cap from `AGENTMINT_MAX_RUNS_PER_USER` (default 8): a public server
 * must not let one caller start hundreds of runs. A value that is not a positive integer stops
 * the server at start-up with a message saying so, rather than running without a cap.
 */
export function maxRunsPerUserFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AGENTMINT_MAX_RUNS_PER_USER?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_RUNS_PER_USER;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(
      `AGENTMINT_MAX_RUNS_PER_USER must be a positive integer (got '${raw.slice(0, 32)}')`,
    );
  }
  return value;
}
