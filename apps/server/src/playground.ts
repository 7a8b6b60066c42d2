import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/** Where `pnpm --filter @agentmint/playground build` writes the playground (`pnpm start` runs it). */
export const PLAYGROUND_DIST = fileURLToPath(new URL('../../playground/dist', import.meta.url));

/**
 * The API with the built playground at /playground beside it: one server, one origin, so the
 * page needs no CORS and reaches /trpc with its own URL.
 */
export function withPlayground(
  api: (request: Request) => Response | Promise<Response>,
  dist: string = PLAYGROUND_DIST,
): (request: Request) => Response | Promise<Response> {
  const index = join(dist, 'index.html');
  const app = new Hono();
  app.get('/playground', (c) => c.redirect('/playground/'));
  app.get('/playground/*', async (c, next) => {
    if (existsSync(index)) return next();
    return c.text(
      'The playground is not built: run `pnpm --filter @agentmint/playground build` (`pnpm start` does it first).\n',
      503,
    );
  });
  app.get(
    '/playground/*',
    serveStatic({ root: dist, rewriteRequestPath: (path) => path.replace(/^\/playground/, '') }),
  );
  // A path the build does not hold is the page's own (a reload on a deep link): the page answers.
  app.get('/playground/*', serveStatic({ path: index }));
  app.all('*', (c) => api(c.req.raw));
  return app.fetch;
}
