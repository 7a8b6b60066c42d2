import { InMemoryDb } from '@agentmint/core';
import { afterAll, describe, expect, it } from 'vitest';
import { probeAgents } from '../support/agents.ts';
import { form, jsonBody, trpcCall } from '../support/http.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';

// Issue #11: without auth, any caller sending user_id=bob acts as bob. `anonymousUserIds:
// 'ignore'` drops client-sent user ids (runs are anonymous); 'trust' (default) keeps Agno's way.

afterAll(() => closeServers());

async function runAs(url: string, userId: string) {
  const rest = await fetch(`${url}/agents/raw-agent/runs`, {
    method: 'POST',
    body: form({ message: 'hi', stream: 'false', user_id: userId }),
  });
  const trpc = await trpcCall({
    url,
    path: 'agents.raw-agent.run',
    type: 'mutation',
    input: { message: 'hi', userId },
  });
  return {
    rest: (await jsonBody<{ user_id: string | null }>(rest)).user_id,
    trpc: (trpc.result as { userId: string | null }).userId,
  };
}

describe('anonymous mode (no auth): client-sent user ids', () => {
  it("'ignore': user_id / userId are dropped on REST and tRPC; the factory sees no user", async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({
      agents: probe.agents,
      logger: recordingLogger(),
      anonymousUserIds: 'ignore',
    });
    const seen = await runAs(url, 'bob');
    expect(seen.rest ?? null).toBeNull();
    expect(seen.trpc ?? null).toBeNull();
    expect(probe.seen.map((s) => s.userId)).toEqual([undefined, undefined]);
  });

  it("'trust' (the default, as Agno): the client-sent user id is the run's user", async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({ agents: probe.agents, logger: recordingLogger() });
    expect(await runAs(url, 'bob')).toEqual({ rest: 'bob', trpc: 'bob' });
    expect(probe.seen.map((s) => s.userId)).toEqual(['bob', 'bob']);
  });

  it('refuses an unknown mode at construction', async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    await expect(
      startOS({
        agents: probe.agents,
        anonymousUserIds: 'maybe' as 'trust',
      }),
    ).rejects.toThrow(/anonymousUserIds must be 'trust' or 'ignore'/);
  });
});
