/** One `runs.watch` (re)connect that carried a lastEventId: the client resuming a dropped stream. */
export interface Resume {
  /** `<runId>:<seq>` of the last event received before the drop. */
  readonly lastEventId: string;
  readonly at: number;
}

let resumes: readonly Resume[] = [];

/** The client puts it in the watch's input; a bare EventSource reconnect sends the header. */
function resumedFrom(input: RequestInfo | URL, init?: RequestInit): string | undefined {
  const header = new Headers(init?.headers).get('last-event-id');
  if (header) return header;
  const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
  return /"lastEventId":"([^"]+)"/.exec(url.searchParams.get('input') ?? '')?.[1];
}
const listeners = new Set<() => void>();

/**
 * Wraps fetch to notice resumes, so the chat can show that a dropped connection was picked up
 * again (the client resumes by itself; without this the page could not tell).
 */
export const connectionLog = {
  fetch: (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const lastEventId = resumedFrom(input, init);
    if (lastEventId) {
      resumes = [...resumes, { lastEventId, at: Date.now() }];
      for (const listener of listeners) listener();
    }
    return globalThis.fetch(input, init);
  },
  resumes: (): readonly Resume[] => resumes,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
