import superjson from 'superjson';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { seedOS } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

// serve() answers /trpc on the raw Node request unless a host's own `fetch` (or metrics) needs
// Hono: the batch cap must hold on that path as on the Hono one.
describe.each([
  { path: 'node:http', hono: false },
  { path: 'Hono', hono: true },
])('tRPC batch cap on the $path path', ({ hono }) => {
  it('refuses 11 calls with 413 BATCH_TOO_LARGE before any factory runs, takes 10', async () => {
    const { os, calls } = seedOS();
    const server = await os.serve({ port: 0, ...(hono && { fetch: os.fetch }) });
    servers.push(server);
    const batch = (size: number) => {
      const paths = Array.from({ length: size }, () => 'agents.tenant-agent.run').join(',');
      const input: Record<string, unknown> = {};
      for (let i = 0; i < size; i++) input[i] = superjson.serialize({ message: 'hi' });
      return fetch(`${server.url}/trpc/${paths}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
    };
    const refused = await batch(11);
    expect(refused.status).toBe(413);
    const body = (await refused.json()) as { error: { json: { data: { agentmintCode: string } } } };
    expect(body.error.json.data.agentmintCode).toBe('BATCH_TOO_LARGE');
    expect(calls.tenant).toBe(0);
    expect((await batch(10)).status).toBe(200);
    expect(calls.tenant).toBe(10);
  });
});
