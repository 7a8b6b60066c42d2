import type { AnyTRPCProcedure } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { agui } from '../src/agui/index.ts';
import type { ServerHandle } from '../src/index.ts';
import { mcp } from '../src/mcp/index.ts';
import { seedOS } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

/** One input every procedure accepts the fields it needs from (zod objects drop the rest). */
function anyInput(ids: { runId: string; sessionId: string }) {
  return { message: 'start a run?', agentId: 'tenant-agent', name: 'n', ...ids };
}

/** Reads a response for at most `ms` (an MCP or SSE GET may stay open), then lets it go. */
async function get(url: string): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1_500);
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json, text/event-stream' },
      signal: controller.signal,
    });
    await response.text().catch(() => undefined);
    return response.status;
  } catch {
    return 0;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

describe('no GET starts a run', () => {
  it('GETs every route (tRPC procedures of every type, REST, AG-UI, MCP) and counts no new run', async () => {
    const setup = seedOS({ interfaces: [agui(), mcp()], metrics: true });
    const { os, db, model, calls } = setup;
    const server = await os.serve({ port: 0 });
    servers.push(server);
    // One finished run, so routes that take ids find something real.
    const seeded = await os.operations.startRun(await os.authenticate(new Headers()), {
      agentId: 'tenant-agent',
      message: 'seed',
    });
    const { runId, sessionId } = seeded.ids;
    await seeded.done;
    const before = {
      runs: (await db.listRuns({})).length,
      modelCalls: model.calls,
      factoryCalls: { ...calls },
    };
    expect(before.runs).toBe(1);

    // Flat at run time: one entry per dotted path.
    const procedures = os.router._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
    const input = encodeURIComponent(JSON.stringify({ json: anyInput({ runId, sessionId }) }));
    const urls: string[] = [];
    for (const path of Object.keys(procedures)) {
      urls.push(`${server.url}/trpc/${path}?input=${input}`);
      urls.push(
        `${server.url}/trpc/${path}?batch=1&input=${encodeURIComponent(`{"0":${decodeURIComponent(input)}}`)}`,
      );
    }
    const agentIds = [...os.agents.keys()];
    // Every path, whatever method it serves: a GET to a POST route must not start a run either.
    for (const route of os.routes) {
      if (route.path.startsWith('/trpc')) continue;
      for (const agentId of route.path.includes(':agentId') ? agentIds : ['']) {
        const path = route.path
          .replace(':agentId', agentId)
          .replace(':runId', runId)
          .replace(':sessionId', sessionId)
          .replaceAll(/\/\*$|\*/g, '');
        urls.push(`${server.url}${path || '/'}?message=hi&stream=true&background=true`);
      }
    }
    const kinds = new Set(Object.values(procedures).map((p) => p._def.type));
    expect(kinds).toEqual(new Set(['query', 'mutation', 'subscription']));
    expect(urls.some((u) => u.includes('/agui/tenant-agent'))).toBe(true);
    expect(urls.some((u) => u.includes('/mcp'))).toBe(true);
    expect(urls.some((u) => u.includes('/trpc/agents.tenant-agent.start?'))).toBe(true);
    expect(urls.some((u) => u.includes(`/agents/tenant-agent/runs/${runId}/events`))).toBe(true);

    const statuses = new Map<string, number>();
    for (const url of new Set(urls)) statuses.set(url, await get(url));

    expect((await db.listRuns({})).length).toBe(before.runs);
    expect(model.calls).toBe(before.modelCalls);
    expect(calls).toEqual(before.factoryCalls);
    expect(os.runtime.activeRunCount).toBe(0);
    // A mutation (run, start, cancel…) sent as a GET is refused outright.
    const startAsGet = [...statuses].find(([url]) => url.includes('agents.tenant-agent.start?'));
    expect(startAsGet?.[1]).toBe(405);
    // 501 is Agno's routes this server does not serve (FEATURE_NOT_SERVED); nothing else fails.
    const failed = [...statuses].filter(([, status]) => status >= 500 && status !== 501);
    expect(failed).toEqual([]);
    expect(statuses.size).toBeGreaterThan(60);
  });
});
