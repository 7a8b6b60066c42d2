import type { RunEvent } from '@agentmint/core';

/** Reads a whole run-event stream. */
export async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const all: RunEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}
