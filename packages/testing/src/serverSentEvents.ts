/** One dispatched server-sent event with its JSON data parsed. */
export interface ServerSentEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: Record<string, unknown>;
}

/**
 * Splits a finished SSE body into events, as the SSE spec dispatches them: blocks without a `data`
 * line (comments, pings, a bare `retry:`) dispatch nothing; `event` defaults to `message`.
 */
export function parseServerSentEvents(text: string): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/);
    const field = (name: string) =>
      lines
        .filter((l) => l.startsWith(`${name}:`))
        .map((l) => l.slice(name.length + 1).replace(/^ /, ''));
    const data = field('data');
    if (data.length === 0) continue;
    const text = data.join('\n');
    events.push({
      event: field('event').at(-1) || 'message',
      id: field('id').at(-1),
      data: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    });
  }
  return events;
}

/** Reads a whole SSE response and parses it (for streams that end). */
export async function readServerSentEvents(response: Response): Promise<ServerSentEvent[]> {
  return parseServerSentEvents(await response.text());
}
