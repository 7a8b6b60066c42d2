/** The fetch signature `eventsource` (v5) calls for every connect and reconnect. */
export type EventSourceFetch = (
  url: string | URL,
  init: { headers: Record<string, string> } & Omit<RequestInit, 'headers'>,
) => Promise<Response>;

/**
 * A fetch for the EventSource that adds our headers on every (re)connect: a native EventSource
 * cannot send Authorization, and a token provider must be asked again when the stream reconnects.
 */
export function eventSourceFetch(
  baseFetch: typeof fetch,
  headers: () => Promise<Record<string, string>>,
): EventSourceFetch {
  return async (url, init) => {
    const extra = await headers();
    return baseFetch(url, { ...init, headers: { ...init.headers, ...extra } });
  };
}
