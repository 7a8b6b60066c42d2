import type { EventSourceFetch } from './eventSourceFetch.ts';
import type { ReconnectOptions } from './reconnectOptions.ts';
import type { HeadersProvider, TokenProvider, TraceparentProvider } from './requestHeaders.ts';

/** An EventSource class that takes a custom `fetch` (as the `eventsource` package's does). */
export type EventSourceConstructor = new (
  url: string,
  init?: { fetch?: EventSourceFetch },
) => {
  readonly readyState: number;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSED: number;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
  close(): void;
};

export interface AgentClientBaseOptions {
  /** The tRPC endpoint, e.g. `http://localhost:7777/trpc`, or a host's own endpoint. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`; a function is asked before every request and SSE (re)connect. */
  readonly token?: TokenProvider | undefined;
  /** Extra headers for every request and SSE (re)connect. */
  readonly headers?: HeadersProvider | undefined;
  /**
   * Joins the server's spans to your trace: return the W3C `traceparent` of the current span,
   * e.g. with OpenTelemetry `propagation.inject(context.active(), carrier)` then `carrier.traceparent`.
   */
  readonly traceparent?: TraceparentProvider | undefined;
  /** The fetch to use for calls and streams. Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch | undefined;
  /**
   * The EventSource class for streams. Default: the `eventsource` package's, which sends the
   * token and headers; a browser's native EventSource cannot send them.
   */
  readonly EventSource?: EventSourceConstructor | undefined;
  /**
   * Most calls sent in one batch request; more go out in several. Default 10, the server's
   * default `maxBatchSize` (a larger batch is refused with BATCH_TOO_LARGE).
   */
  readonly maxBatchSize?: number | undefined;
  /**
   * How `stream()` and `runs.watch()` reconnect after a dropped connection: 250 ms doubling up to
   * 5 s, at most 10 times in a row without an event (then NETWORK_ERROR). Server errors never retry.
   */
  readonly reconnect?: ReconnectOptions | undefined;
}

/**
 * `path` locates the AgentOS router in a host router; it is required exactly when there is one,
 * and cannot be given at all when the router type holds no AgentOS router.
 */
export type AgentClientPathOption<TPath extends string> = [TPath] extends [never]
  ? { readonly path: never }
  : [TPath] extends ['']
    ? { readonly path?: '' | undefined }
    : {
        /** Where the host mounted the AgentOS router: `'ai'` for `router({ ai: agentOS.router })`. */
        readonly path: TPath;
      };

export type AgentClientOptions<TPath extends string = ''> = AgentClientBaseOptions &
  AgentClientPathOption<TPath>;
