import type { RunEvent } from '@agentmint/core';

/**
 * The events after which `runs.watch` ends: the terminal ones, and `RunPaused` (a paused run
 * waits for `runs.continue`, which goes on under the same run id: watch it again from its
 * lastEventId). The one list to extend when a new event should end a watch.
 */
export const WATCH_ENDING_EVENTS: ReadonlySet<string> = new Set([
  'RunCompleted',
  'RunError',
  'RunCancelled',
  'RunPaused',
]);

export function endsWatch(event: RunEvent): boolean {
  return WATCH_ENDING_EVENTS.has(event.event);
}
