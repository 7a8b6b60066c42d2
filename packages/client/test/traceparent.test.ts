import { afterEach, describe, expect, it } from 'vitest';
import { createAgentClient } from '../src/index.ts';
import { collect } from './collect.ts';
import { Cleanup, serve, type TestRouter, testOS } from './fixtures.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('traceparent option', () => {
  it('is asked before every call and SSE connect, and sent as the traceparent header', async () => {
    const { server } = await serve(testOS(), cleanup);
    let span = 0;
    const sent: (string | null)[] = [];
    const client = createAgentClient<TestRouter>({
      url: `${server.url}/trpc`,
      traceparent: () =>
        `00-4bf92f3577b34da6a3ce929d0e0e4736-${String(++span).padStart(16, '0')}-01`,
      fetch: (input, init) => {
        sent.push(new Headers(init?.headers).get('traceparent'));
        return fetch(input, init);
      },
    });
    await client.agents.list();
    await collect(client.agents['tenant-agent'].stream({ message: 'hi' }));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent).toEqual(
      sent.map(
        (_, i) => `00-4bf92f3577b34da6a3ce929d0e0e4736-${String(i + 1).padStart(16, '0')}-01`,
      ),
    );
  });

  it('sends no traceparent header when the provider has no span', async () => {
    const { server } = await serve(testOS(), cleanup);
    const sent: (string | null)[] = [];
    const client = createAgentClient<TestRouter>({
      url: `${server.url}/trpc`,
      traceparent: () => undefined,
      fetch: (input, init) => {
        sent.push(new Headers(init?.headers).get('traceparent'));
        return fetch(input, init);
      },
    });
    await client.agents.list();
    expect(sent).toEqual([null]);
  });
});
