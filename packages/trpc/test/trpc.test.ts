import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunEvent } from '@agentmint/core';
import { createAdaptorServer } from '@hono/node-server';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { seedOS } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

function clientFor<TRouter extends AnyTRPCRouter>(url: string) {
  return createTRPCClient<TRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, transformer: superjson, EventSource } as never),
        false: httpBatchLink({ url, transformer: superjson } as never),
      }),
    ],
  });
}

async function start(setup = seedOS()) {
  const server: ServerHandle = await setup.os.serve({ port: 0 });
  cleanups.push(() => server.close({ graceMs: 100 }));
  const client = clientFor<typeof setup.os.router>(`${server.url}/trpc`);
  return { ...setup, server, client };
}

function collect(
  subscribe: (handlers: {
    onData: (data: { id: string; data: RunEvent }) => void;
    onError: (error: unknown) => void;
    onComplete: () => void;
  }) => { unsubscribe(): void },
  until?: (events: RunEvent[]) => boolean,
): Promise<{ events: RunEvent[]; ids: string[] }> {
  return new Promise((resolve, reject) => {
    const events: RunEvent[] = [];
    const ids: string[] = [];
    const sub = subscribe({
      onData: ({ id, data }) => {
        events.push(data);
        ids.push(id);
        if (
          until?.(events) ||
          data.event === 'RunCompleted' ||
          data.event === 'RunError' ||
          data.event === 'RunCancelled'
        ) {
          sub.unsubscribe();
          resolve({ events, ids });
        }
      },
      onError: reject,
      onComplete: () => resolve({ events, ids }),
    });
  });
}

/** Waits until the run has emitted event `seq` (watching in-process, as a second watcher). */
async function nextEvent(os: ReturnType<typeof seedOS>['os'], runId: string, seq: number) {
  for await (const event of os.runtime.lifecycle.events(runId, { afterSeq: seq - 1 })) {
    if (event.seq >= seq) return;
  }
}

describe('tRPC router', () => {
  it('runs an agent with typed factoryInput and returns the run output', async () => {
    const { client, seen } = await start();
    const run = await client.agents['research-agent'].run.mutate({
      message: 'Trends?',
      factoryInput: { persona: 'skeptic', depth: 5 },
    });
    expect(run).toMatchObject({
      agentId: 'research-agent',
      status: 'COMPLETED',
      content: 'echo: Trends?',
    });
    expect(run.createdAt).toBeInstanceOf(Date);
    expect(seen.inputs).toEqual([{ persona: 'skeptic', depth: 5 }]);
  });

  it('maps factory validation to BAD_REQUEST with agentmintCode and issue paths', async () => {
    const { client, calls } = await start();
    const error = await client.agents['research-agent'].run
      // @ts-expect-error depth must be a number
      .mutate({ message: 'x', factoryInput: { depth: 'deep' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AnyTRPCRouter>).data as {
      code: string;
      httpStatus: number;
      agentmintCode: string;
      issues: { path: (string | number)[] }[];
      stack?: string;
    };
    expect(data).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      agentmintCode: 'FACTORY_VALIDATION',
    });
    expect(data.issues[0]?.path).toEqual(['factoryInput', 'depth']);
    expect(data.stack).toBeUndefined();
    expect(calls.research).toBe(0);
  });

  it('lists agents and gets one, never calling a factory', async () => {
    const { client, calls } = await start();
    const agents = await client.agents.list.query();
    expect(agents.map((a) => a.id)).toEqual([
      'tenant-agent',
      'research-agent',
      'workspace-agent',
      'plain-agent',
    ]);
    const research = await client.agents.get.query({ agentId: 'research-agent' });
    expect(research.isFactory).toBe(true);
    expect(calls).toEqual({ tenant: 0, research: 0, workspace: 0, plain: 0 });
  });

  it('starts a detached run and watches its typed events tracked by <runId>:<seq>', async () => {
    const setup = seedOS();
    setup.model.script({ text: 'a b c', deltas: 3 });
    const { client } = await start(setup);
    const started = await client.agents['tenant-agent'].start.mutate({ message: 'hi' });
    expect(Object.keys(started).sort()).toEqual(['runId', 'sessionId']);
    const { events, ids } = await collect((h) =>
      client.runs.watch.subscribe({ runId: started.runId }, h),
    );
    expect(events.map((e) => e.event)).toEqual([
      'RunStarted',
      'ModelRequestStarted',
      'RunContent',
      'RunContent',
      'RunContent',
      'ModelRequestCompleted',
      'RunContentCompleted',
      'RunCompleted',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.every((e) => e.runId === started.runId)).toBe(true);
    expect(ids[0]).toBe(`${started.runId}:1`);
  });

  it('refuses factory input a start does not validate before anything runs', async () => {
    const { client, calls, db } = await start();
    const error = await client.agents['research-agent'].start
      // @ts-expect-error depth must be a number
      .mutate({ message: 'x', factoryInput: { depth: 'deep' } })
      .catch((e: unknown) => e);
    expect((error as TRPCClientError<AnyTRPCRouter>).data).toMatchObject({
      agentmintCode: 'FACTORY_VALIDATION',
    });
    expect(calls.research).toBe(0);
    expect(await db.listSessions({})).toEqual([]);
  });

  it('resumes a watch from lastEventId with every event exactly once', async () => {
    const setup = seedOS();
    setup.model.script({ text: 'a b c d e f', deltas: 6, delayMs: 30 });
    const { client } = await start(setup);
    const { runId } = await client.agents['tenant-agent'].start.mutate({ message: 'hi' });
    const firstPart = await collect(
      (h) => client.runs.watch.subscribe({ runId }, h),
      (events) => events.length === 3,
    );
    const last = firstPart.ids.at(-1)!;
    const secondPart = await collect((h) =>
      client.runs.watch.subscribe({ runId, lastEventId: last }, h),
    );
    const all = [...firstPart.events, ...secondPart.events];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.at(-1)?.event).toBe('RunCompleted');
    expect(new Set(all.map((e) => e.runId))).toEqual(new Set([runId]));
  });

  it('keeps a started run going with no watcher until runs.cancel stops it', async () => {
    const setup = seedOS();
    setup.model.script({ text: 'a b c d e f g h', deltas: 8, delayMs: 40 });
    const { client, os } = await start(setup);
    const { runId } = await client.agents['tenant-agent'].start.mutate({ message: 'hi' });
    const early = await collect(
      (h) => client.runs.watch.subscribe({ runId }, h),
      (events) => events.length === 2,
    );
    expect(early.events).toHaveLength(2);
    // The watcher left; the run goes on regardless (no grace window by default).
    await nextEvent(os, runId, 5);
    expect((await client.runs.get.query({ runId })).status).toBe('RUNNING');
    const cancelled = await client.runs.cancel.mutate({ runId });
    expect(cancelled.status).toBe('CANCELLED');
    const rest = await collect((h) =>
      client.runs.watch.subscribe({ runId, lastEventId: early.ids.at(-1) }, h),
    );
    expect(rest.events.at(-1)?.event).toBe('RunCancelled');
  });

  it('cancels a run its last watcher left when resumeGraceMs is set', async () => {
    const setup = seedOS({ resumeGraceMs: 0 });
    setup.model.script({ text: 'a b c d e f g h', deltas: 8, delayMs: 40 });
    const { client, os } = await start(setup);
    const { runId } = await client.agents['tenant-agent'].start.mutate({ message: 'hi' });
    await collect(
      (h) => client.runs.watch.subscribe({ runId }, h),
      (events) => events.length === 2,
    );
    const ended = await os.runtime.lifecycle.activeRun(runId, undefined)?.done;
    expect(ended?.status).toBe('CANCELLED');
  });

  it('refuses a lastEventId of another run instead of replaying from the start', async () => {
    const { client } = await start();
    const { runId } = await client.agents['tenant-agent'].start.mutate({ message: 'hi' });
    const error = await collect((h) =>
      client.runs.watch.subscribe({ runId, lastEventId: 'other-run:3' }, h),
    ).catch((e: unknown) => e);
    expect((error as TRPCClientError<AnyTRPCRouter>).data).toMatchObject({
      agentmintCode: 'BAD_REQUEST',
    });
  });

  it('tells SSE clients to reconnect quickly (retry:) so a dropped watch resumes without the 3 s default', async () => {
    const { server, client } = await start();
    const { runId } = await client.agents['tenant-agent'].start.mutate({ message: 'hi' });
    const input = encodeURIComponent(JSON.stringify({ json: { runId } }));
    const response = await fetch(`${server.url}/trpc/runs.watch?input=${input}`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text.startsWith('retry: 250\n\n')).toBe(true);
    expect(text).toContain('RunCompleted');
  });

  it('continues a completed run with new input, rebuilt from the stored factoryInput', async () => {
    const { client, seen } = await start();
    const first = await client.agents['research-agent'].run.mutate({
      message: 'one',
      factoryInput: { persona: 'skeptic', depth: 7 },
    });
    const next = await client.runs.continue.mutate({ runId: first.runId, input: 'two' });
    expect(next.sessionId).toBe(first.sessionId);
    expect(seen.inputs).toEqual([
      { persona: 'skeptic', depth: 7 },
      { persona: 'skeptic', depth: 7 },
    ]);
  });

  it('gets, cancels and lists runs and sessions', async () => {
    const { client } = await start();
    const run = await client.agents['tenant-agent'].run.mutate({ message: 'hi', userId: 'u1' });
    expect((await client.runs.get.query({ runId: run.runId })).status).toBe('COMPLETED');
    expect((await client.runs.cancel.mutate({ runId: run.runId })).status).toBe('COMPLETED');
    const sessions = await client.sessions.list.query();
    expect(sessions.map((s) => s.sessionId)).toContain(run.sessionId);
    const renamed = await client.sessions.rename.mutate({ sessionId: run.sessionId, name: 'n' });
    expect(renamed.name).toBe('n');
    expect((await client.sessions.get.query({ sessionId: run.sessionId })).runs).toHaveLength(1);
    await client.sessions.delete.mutate({ sessionId: run.sessionId });
    await expect(client.sessions.get.query({ sessionId: run.sessionId })).rejects.toMatchObject({
      data: { agentmintCode: 'SESSION_NOT_FOUND', httpStatus: 404 },
    });
  });

  it('works nested in a host router that has its own context', async () => {
    const setup = seedOS();
    const host = initTRPC
      .context<{ requestId: string; headers: Headers }>()
      .create({ transformer: superjson });
    const appRouter = host.router({
      ai: setup.os.router,
      ping: host.procedure.query(({ ctx }) => `pong ${ctx.requestId}`),
    });
    const server = createAdaptorServer({
      fetch: (req: Request) =>
        fetchRequestHandler({
          endpoint: '/api',
          req,
          router: appRouter,
          createContext: ({ req }) => ({ requestId: 'r1', headers: req.headers }),
        }),
    }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    cleanups.push(() => setup.os.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    const client = clientFor<typeof appRouter>(url);
    expect(await client.ping.query()).toBe('pong r1');
    const run = await client.ai.agents['research-agent'].run.mutate({
      message: 'hi',
      factoryInput: { depth: 2 },
    });
    expect(run.status).toBe('COMPLETED');
    const { runId } = await client.ai.agents['tenant-agent'].start.mutate({ message: 'yo' });
    const { events } = await collect((h) => client.ai.runs.watch.subscribe({ runId }, h));
    expect(events.at(-1)?.event).toBe('RunCompleted');
  });
});
