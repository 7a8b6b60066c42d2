import type { AddressInfo } from 'node:net';
import { withPlayground } from '@agentmint/server/playground';
import { createAdaptorServer } from '@hono/node-server';

/** The built playground alone, on its own port: a page whose origin is not the API's. */
export async function startPageServer() {
  const fetch = withPlayground(
    () => new Response('This server only serves the page', { status: 404 }),
  );
  const server = createAdaptorServer({ fetch, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
