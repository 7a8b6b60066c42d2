import { AgentMintError, type Logger } from '@agentmint/core';
import type { Context, Hono } from 'hono';
import { restError } from './restApp.ts';

interface RoutePattern {
  readonly method: string;
  readonly pattern: RegExp;
}

/**
 * The answer to a request no route took, in Agno's JSON error shape: 405 METHOD_NOT_ALLOWED with
 * an `Allow` header when the path exists under other methods, else 404 NOT_FOUND. Mounted as the
 * outer app's `notFound`, so it covers every path the server has (REST, tRPC, health).
 */
export function answerUnmatched(app: Hono, logger: Logger): (c: Context) => Response {
  let patterns: readonly RoutePattern[] | undefined;
  return (c) => {
    // Routes are all registered before the first request; compile them once, then.
    patterns ??= app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, pattern: toPattern(route.path) }));
    const path = c.req.path;
    const allowed = new Set(patterns.filter((r) => r.pattern.test(path)).map((r) => r.method));
    // Hono matches paths exactly (a trailing slash is another path): no route of any method.
    if (allowed.size === 0 || allowed.has(c.req.method)) {
      return restError(
        c,
        new AgentMintError('NOT_FOUND', `No route ${c.req.method} ${path}`),
        logger,
      );
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    const methods = [...allowed].sort().join(', ');
    c.header('Allow', methods);
    const refusal = `${c.req.method} is not allowed on ${path}; use ${methods}`;
    return restError(c, new AgentMintError('METHOD_NOT_ALLOWED', refusal), logger);
  };
}

/** Hono's route path (`/sessions/:sessionId`, `/trpc/*`) as an anchored regular expression. */
function toPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) =>
      part === '*'
        ? '.*'
        : part.startsWith(':')
          ? '[^/]+'
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}
