import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

export interface ServeOptions {
  /** Default 7777; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1; use 0.0.0.0 to listen on every interface. */
  hostname?: string;
  /**
   * What to serve instead of `agentOS.fetch`: wrap it to add routes of your own (static files, a
   * page) on the same server; start-up and `close()` stay AgentOS's.
   */
  fetch?: (request: Request) => Response | Promise<Response>;
  /**
   * Deadline for receiving a whole request, headers and body, in ms; a client still sending then
   * gets 408 and its connection is closed, so a trickled body or a Content-Length larger than the
   * body cannot hold a connection. The response (an SSE stream) is not limited. Default 30 000.
   */
  requestTimeoutMs?: number;
  /** Deadline for receiving the request headers, in ms; at most `requestTimeoutMs`. Default: that. */
  headersTimeoutMs?: number;
}

/** Node's own default is 300 s: long enough for a few slow clients to hold every connection. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, waits for `beforeClose`, then drops what is still open. */
  close(options?: { graceMs?: number }): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A path prefix served straight from node:http, ahead of the fetch handler. */
export interface NodeRoute {
  /** e.g. `/trpc/`: a request whose URL starts with it goes to `handle`. */
  readonly prefix: string;
  /** Answers every request itself, errors included; never rejects. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * Serves a web-standard fetch handler on node:http, with `nodeRoute` (when given) answered on the
 * raw request first: one server, one port. Resolves once listening.
 */
export async function serveFetch(
  fetch: (request: Request) => Response | Promise<Response>,
  options: ServeOptions,
  beforeClose: (options: { graceMs?: number }) => Promise<void>,
  nodeRoute?: NodeRoute,
): Promise<ServerHandle> {
  const hostname = options.hostname ?? '127.0.0.1';
  const requestTimeout = positiveMs(
    options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    'requestTimeoutMs',
  );
  const headersTimeout = positiveMs(options.headersTimeoutMs ?? requestTimeout, 'headersTimeoutMs');
  const viaFetch = getRequestListener(fetch, { hostname });
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(headersTimeout, requestTimeout),
      // How often Node sweeps for expired requests (its default, 30 s, would double the deadline).
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    (req, res) => {
      // Preflights stay with the fetch handler, whose CORS middleware answers them.
      if (nodeRoute && req.method !== 'OPTIONS' && req.url?.startsWith(nodeRoute.prefix)) {
        void nodeRoute.handle(req, res);
        return;
      }
      void viaFetch(req, res);
    },
  );
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7777, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  let closing: Promise<void> | undefined;
  const close = (closeOptions: { graceMs?: number } = {}) => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await beforeClose(closeOptions);
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };
  return { url: `http://${host}:${port}`, port, close, [Symbol.asyncDispose]: () => close() };
}

function positiveMs(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer (milliseconds), got ${String(value)}`);
  }
  return value;
}
