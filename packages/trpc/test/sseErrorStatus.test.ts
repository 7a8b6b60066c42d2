import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { readSSE, seedOS } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

describe('regression: an error thrown while a stream starts kept tRPC code 500 over SSE', () => {
  it('sends the AgentMint status and tRPC code, so tRPC clients do not retry a 404 forever', async () => {
    const setup = seedOS();
    const server = await setup.os.serve({ port: 0 });
    servers.push(server);
    const input = encodeURIComponent(JSON.stringify({ json: { runId: 'no-such-run' } }));
    const response = await fetch(`${server.url}/trpc/runs.watch?input=${input}`);
    const error = (await readSSE(response)).find((e) => e.event === 'serialized-error');
    expect(error?.data).toMatchObject({
      json: {
        code: -32004,
        data: { code: 'NOT_FOUND', httpStatus: 404, agentmintCode: 'RUN_NOT_FOUND' },
      },
    });
  });
});
