import type { RunEvent } from '@agentmint/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentMintClientError, createAgentClient } from '../src/index.ts';
import { collect } from './collect.ts';
import { startDroppingProxy } from './droppingProxy.ts';
import { Cleanup, serve, type TestRouter, testOS } from './fixtures.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stream() and runs.watch(): abort, break, resume and errors', () => {
  it('ends cleanly when aborted mid-stream; the run and other streams go on', async () => {
    const setup = testOS();
    setup.model.script(
      { text: 'a b c d e f', deltas: 6, delayMs: 40 },
      { text: 'x y', deltas: 2, delayMs: 40 },
    );
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup);
    const client = createAgentClient<TestRouter>({ url: proxy.url });
    const controller = new AbortController();
    const seen: RunEvent[] = [];
    const other = collect(client.agents['tenant-agent'].stream({ message: 'other' }));
    for await (const event of client.agents['tenant-agent'].stream(
      { message: 'hi' },
      { signal: controller.signal },
    )) {
      seen.push(event);
      if (seen.length === 3) controller.abort();
    }
    expect(seen).toHaveLength(3);
    await until(() => proxy.openStreams() <= 1);
    const otherEvents = await other;
    expect(otherEvents.at(-1)?.event).toBe('RunCompleted');
    // Aborting detached the client; it did not cancel the run.
    const runId = seen[0]?.runId ?? '';
    await until(async () => (await client.runs.get({ runId })).status === 'COMPLETED');
    await until(() => proxy.openStreams() === 0);
  });

  it('closes the connection when the loop breaks, and opens none for an aborted signal', async () => {
    const setup = testOS();
    setup.model.script({ text: 'a b c d', deltas: 4, delayMs: 40 });
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup);
    const client = createAgentClient<TestRouter>({ url: proxy.url });
    for await (const event of client.agents['tenant-agent'].stream({ message: 'hi' })) {
      if (event.event === 'RunContent') break;
    }
    await until(() => proxy.openStreams() === 0);
    const requests = proxy.requests.length;
    const aborted = await collect(
      client.agents['tenant-agent'].stream({ message: 'no' }, { signal: AbortSignal.abort() }),
    );
    expect(aborted).toEqual([]);
    expect(proxy.requests.length).toBe(requests);
  });

  it('resumes after the server drops the SSE connection, every event exactly once', async () => {
    const setup = testOS();
    setup.model.script({ text: 'a b c d e f g h', deltas: 8, delayMs: 60 });
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup, {
      afterEvents: 3,
      drops: 1,
    });
    const client = createAgentClient<TestRouter>({ url: proxy.url });
    const events = await collect(client.agents['tenant-agent'].stream({ message: 'hi' }));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.event).toBe('RunCompleted');
    expect(new Set(events.map((e) => e.runId)).size).toBe(1);
    const content = events.flatMap((e) => (e.event === 'RunContent' ? [e.content] : []));
    expect(content.join('')).toBe('a b c d e f g h');
    // One start (a POST), then two watches: the second resumes after the cut, starting nothing.
    const starts = proxy.requests.filter((r) => r.path.includes('.start'));
    const watches = proxy.requests.filter((r) => r.path.includes('runs.watch'));
    expect(starts).toHaveLength(1);
    expect(watches).toHaveLength(2);
    expect(watches[0]?.lastEventId).toBeUndefined();
    expect(watches[1]?.lastEventId).toBe(`${events[0]?.runId}:3`);
    expect(setup.calls.tenant).toBe(1);
    expect(await setup.db.listRuns({})).toHaveLength(1);
  }, 15_000);

  it('never starts a second run however often a proxy cuts the stream', async () => {
    const setup = testOS();
    setup.model.script({ text: 'a b c d e f g h i j', deltas: 10, delayMs: 40 });
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup, {
      afterEvents: 2,
      drops: 4,
    });
    const client = createAgentClient<TestRouter>({
      url: proxy.url,
      reconnect: { initialDelayMs: 10 },
    });
    const events = await collect(client.agents['tenant-agent'].stream({ message: 'hi' }));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.event).toBe('RunCompleted');
    const watches = proxy.requests.filter((r) => r.path.includes('runs.watch'));
    expect(watches).toHaveLength(5);
    expect(watches.slice(1).map((r) => r.lastEventId)).toEqual(
      [2, 4, 6, 8].map((seq) => `${events[0]?.runId}:${seq}`),
    );
    const runs = await setup.db.listRuns({});
    expect(runs.map((r) => [r.runId, r.status])).toEqual([[events[0]?.runId, 'COMPLETED']]);
  }, 15_000);

  it('watches a run from lastEventId with runs.watch, as often as asked', async () => {
    const setup = testOS();
    setup.model.script({ text: 'a b c', deltas: 3 });
    const { url } = await serve(setup, cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const { runId, sessionId } = await client.agents['tenant-agent'].start({ message: 'hi' });
    const all = await collect(client.runs.watch({ runId }));
    expect(all.at(-1)).toMatchObject({ event: 'RunCompleted', runId, sessionId });
    const tail = await collect(client.runs.watch({ runId, lastEventId: `${runId}:5` }));
    expect(tail).toEqual(all.slice(5));
    expect(await setup.db.listRuns({})).toHaveLength(1);
  });

  it('gives up with NETWORK_ERROR after the capped reconnects when the server stays away', async () => {
    const setup = testOS();
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup);
    const client = createAgentClient<TestRouter>({
      url: proxy.url,
      reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 },
    });
    await proxy.close();
    const error = await collect(client.runs.watch({ runId: 'r1' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', httpStatus: 0 });
  });

  it('rejects run() with ABORTED when its signal aborts, and the server cancels the run', async () => {
    const setup = testOS();
    setup.model.script({ text: 'slow answer', deltas: 2, delayMs: 500 });
    const { url } = await serve(setup, cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const controller = new AbortController();
    const pending = client.agents['tenant-agent'].run(
      { message: 'hi' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentMintClientError);
    expect(error).toMatchObject({ code: 'ABORTED', httpStatus: 0 });
    await until(async () => {
      const [session] = await client.sessions.list();
      if (!session) return false;
      const { runs } = await client.sessions.get({ sessionId: session.sessionId });
      return runs[0]?.status === 'CANCELLED';
    });
  });

  it('ends with a typed error when the server refuses the start, without retrying it', async () => {
    const setup = testOS();
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup);
    const client = createAgentClient<TestRouter>({ url: proxy.url });
    const error = await collect(client.agents['workspace-agent'].stream({ message: 'hi' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AgentMintClientError);
    expect(error).toMatchObject({ code: 'FACTORY_FORBIDDEN', httpStatus: 403 });
    expect(setup.calls.workspace).toBe(1);
    expect(proxy.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/trpc/agents.workspace-agent.start',
    ]);
  });

  it('surfaces FACTORY_VALIDATION from the start at once: no watch, no run', async () => {
    const setup = testOS();
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup);
    const client = createAgentClient<TestRouter>({ url: proxy.url });
    const error = await collect(
      // @ts-expect-error ticketId is required
      client.agents['ticket-agent'].stream({ message: 'hi', factoryInput: {} }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FACTORY_VALIDATION', httpStatus: 400 });
    expect(proxy.requests).toHaveLength(1);
    expect(await setup.db.listRuns({})).toEqual([]);
  });

  it('ends a watch with the server error (RUN_NOT_FOUND) without reconnecting', async () => {
    const setup = testOS();
    const server = await serve(setup, cleanup);
    const proxy = await startDroppingProxy(server.server.url, cleanup);
    const client = createAgentClient<TestRouter>({ url: proxy.url });
    const error = await collect(client.runs.watch({ runId: 'no-such-run' })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'RUN_NOT_FOUND', httpStatus: 404 });
    expect(proxy.requests).toHaveLength(1);
  });
});
