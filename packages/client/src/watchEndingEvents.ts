/**
 * The events after which a watch ends: the terminal ones and `RunPaused` (continuing a paused run
 * goes on under the same run id). Mirrors the server's WATCH_ENDING_EVENTS in @agentmint/trpc,
 * which this package does not load at run time.
 */
export const WATCH_ENDING_EVENTS: ReadonlySet<string> = new Set([
  'RunCompleted',
  'RunError',
  'RunCancelled',
  'RunPaused',
]);
