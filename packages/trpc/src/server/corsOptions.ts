import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * Cross-origin access for browser apps served from another origin (off by default). Covers
 * `/trpc` (queries, mutations, SSE streams), the REST routes and the AG-UI and MCP interfaces,
 * preflights included.
 */
export interface CorsOptions {
  /** Allowed origins (`https://app.example.com`), `'*'` for any, or a predicate on the origin. */
  readonly origins: readonly string[] | '*' | ((origin: string) => boolean);
  /** Send `Access-Control-Allow-Credentials: true` (cookies). Default false; bearer tokens don't need it. */
  readonly credentials?: boolean;
  /** How long (seconds) a browser may cache a preflight answer. Default 600. */
  readonly maxAge?: number;
}

// Clients read Retry-After on 429 TOO_MANY_RUNS; MCP clients keep Mcp-Session-Id (/mcp).
const EXPOSED_HEADERS = ['Retry-After', 'Mcp-Session-Id'];

function originPredicate({ origins }: CorsOptions): (origin: string) => boolean {
  if (origins === '*') return () => true;
  if (typeof origins === 'function') return origins;
  return (origin) => origins.includes(origin);
}

/**
 * The headers `corsMiddleware` adds to an answer that is not a preflight, for serve()'s node:http
 * path (preflights still go through Hono): the same names and values in the same order.
 */
export function corsResponseHeaders(
  options: CorsOptions,
): (origin: string | undefined) => [string, string][] {
  const allows = originPredicate(options);
  const exposed = EXPOSED_HEADERS.join(',');
  return (origin) => {
    const headers: [string, string][] = [];
    if (origin && allows(origin)) headers.push(['access-control-allow-origin', origin]);
    if (options.credentials) headers.push(['access-control-allow-credentials', 'true']);
    headers.push(['access-control-expose-headers', exposed], ['vary', 'Origin']);
    return headers;
  };
}

/** Hono's CORS middleware configured from `CorsOptions`. */
export function corsMiddleware(options: CorsOptions): MiddlewareHandler {
  const allows = originPredicate(options);
  return cors({
    // Echo the origin rather than `*`: browsers refuse `*` on credentialed requests, and caches
    // key on `Vary: Origin`, which Hono adds for a non-`*` origin.
    origin: (origin) => (origin !== '' && allows(origin) ? origin : null),
    credentials: options.credentials ?? false,
    maxAge: options.maxAge ?? 600,
    exposeHeaders: EXPOSED_HEADERS,
    // allowHeaders left empty: Hono echoes the preflight's Access-Control-Request-Headers, so the
    // client's own headers (authorization, content-type, trpc-accept, last-event-id, a host's) pass.
  });
}
