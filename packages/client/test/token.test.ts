import { createTRPCClient } from '@trpc/client';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { agentLinks, createAgentClient } from '../src/index.ts';
import { collect } from './collect.ts';
import { startDroppingProxy } from './droppingProxy.ts';
import { Cleanup, serve, type TestRouter, testOS } from './fixtures.ts';
import { ALL_SCOPES, jwtAuth, signToken } from './tokens.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** An async token provider that mints a new token (jti = call number) each time it is asked. */
function refreshingToken() {
  let calls = 0;
  const provider = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return signToken({ sub: 'u1', scope: ALL_SCOPES, jti: `t${calls}` });
  };
  return { provider, calls: () => calls };
}

const jti = (authorization: string | undefined) =>
  authorization ? decodeJwt(authorization.replace(/^Bearer /, '')).jti : undefined;

describe('token provider', () => {
  it('is asked before every call, so each request carries a fresh token', async () => {
    const { server } = await serve(testOS({ auth: jwtAuth }), cleanup);
    const proxy = await startDroppingProxy(server.url, cleanup);
    const token = refreshingToken();
    const client = createAgentClient<TestRouter>({ url: proxy.url, token: token.provider });
    await client.agents.list();
    await client.agents['tenant-agent'].run({ message: 'hi' });
    expect(proxy.requests.map((r) => jti(r.authorization))).toEqual(['t1', 't2']);
  });

  it('is asked again when a stream reconnects, and the resumed stream is authenticated', async () => {
    const setup = testOS({ auth: jwtAuth });
    setup.model.script({ text: 'a b c d e f', deltas: 6, delayMs: 60 });
    const { server } = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.url, cleanup, { afterEvents: 2, drops: 1 });
    const token = refreshingToken();
    const client = createAgentClient<TestRouter>({ url: proxy.url, token: token.provider });
    const events = await collect(client.agents['tenant-agent'].stream({ message: 'hi' }));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.event).toBe('RunCompleted');
    // t1 started the run; each watch connection asked for a token of its own.
    const watches = proxy.requests.filter((r) => r.path.includes('runs.watch'));
    expect(watches.map((r) => jti(r.authorization))).toEqual(['t2', 't3']);
    expect(watches[1]?.lastEventId).toBe(`${events[0]?.runId}:2`);
  }, 15_000);

  it('sends headers from a function with the token', async () => {
    const { server } = await serve(testOS({ auth: jwtAuth }), cleanup);
    const proxy = await startDroppingProxy(server.url, cleanup);
    let n = 0;
    const seen: (string | null)[] = [];
    const client = createAgentClient<TestRouter>({
      url: proxy.url,
      token: () => signToken(),
      headers: async () => ({ 'x-request': `r${++n}` }),
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get('x-request'));
        return fetch(input, init);
      },
    });
    await client.agents.list();
    await collect(client.agents['tenant-agent'].stream({ message: 'hi' }));
    // list, start, watch.
    expect(seen).toEqual(['r1', 'r2', 'r3']);
    expect(proxy.requests.every((r) => r.authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('rides along when tRPC’s own client uses agentLinks (calls and SSE)', async () => {
    const setup = testOS({ auth: jwtAuth });
    setup.model.script({ text: 'a b', deltas: 2 });
    const { server } = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.url, cleanup);
    const token = refreshingToken();
    const trpc = createTRPCClient<TestRouter>({
      links: agentLinks({ url: proxy.url, token: token.provider }),
    });
    const run = await trpc.agents['research-agent'].run.mutate({ message: 'hi' });
    expect(run.status).toBe('COMPLETED');
    const { runId } = await trpc.agents['tenant-agent'].start.mutate({ message: 'hi' });
    const events = await new Promise<string[]>((resolve, reject) => {
      const names: string[] = [];
      const subscription = trpc.runs.watch.subscribe(
        { runId },
        {
          onData: ({ data }) => {
            names.push(data.event);
            if (data.event === 'RunCompleted') {
              subscription.unsubscribe();
              resolve(names);
            }
          },
          onError: reject,
        },
      );
    });
    expect(events.at(-1)).toBe('RunCompleted');
    expect(proxy.requests.map((r) => jti(r.authorization))).toEqual(['t1', 't2', 't3']);
  });
});
