import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDb } from '@agentmint/db';
import { ScriptedModel } from '@agentmint/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAgents } from '../support/agents.ts';
import {
  bearer,
  eventually,
  form,
  jsonBody,
  parseSSE,
  restFailure,
  trpcCall,
  trpcSubscribe,
} from '../support/http.ts';
import { scaled } from '../support/scale.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';
import { hsAuth, userToken } from '../support/tokens.ts';

// Contract §4 and §8: with auth on, a non-admin sees and touches only its own runs and sessions,
// on every route, and cannot tell another user's ids from ids that do not exist.

const dir = mkdtempSync(join(tmpdir(), 'agentmint-isolation-'));
const db = new SqliteDb({ dbFile: join(dir, 'isolation.db') });
const model = new ScriptedModel();
const probe = probeAgents({ db, model });
let url = '';
let alice = '';
let bob = '';
let admin = '';

/** Alice's data, created before Bob starts probing. */
const mine = {
  completedRun: '',
  completedSession: '',
  trpcRun: '',
  trpcSession: '',
  activeRun: '',
  activeSession: '',
};
let activeStream: Promise<string> | undefined;

beforeAll(async () => {
  ({ url } = await startOS({
    agents: probe.agents,
    auth: hsAuth,
    logger: recordingLogger(),
    resumeGraceMs: 5_000,
  }));
  [alice, bob, admin] = await Promise.all([
    userToken('alice'),
    userToken('bob'),
    userToken('root', { scopes: ['agent_os:admin'] }),
  ]);
  const completed = await fetch(`${url}/agents/raw-agent/runs`, {
    method: 'POST',
    headers: bearer(alice),
    body: form({ message: 'alice secret one', stream: 'false', factory_input: '{"k":1}' }),
  });
  const record = await jsonBody<{ run_id: string; session_id: string }>(completed);
  mine.completedRun = record.run_id;
  mine.completedSession = record.session_id;
  const viaTrpc = await trpcCall({
    url,
    path: 'agents.strict-agent.run',
    type: 'mutation',
    input: { message: 'alice secret two', factoryInput: { depth: 4 } },
    headers: bearer(alice),
  });
  const output = viaTrpc.result as { runId: string; sessionId: string };
  mine.trpcRun = output.runId;
  mine.trpcSession = output.sessionId;
  // A run that stays live while Bob probes: 30 deltas, 100 ms apart.
  model.script({
    text: Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '),
    deltas: 30,
    delayMs: 100,
  });
  const response = await fetch(`${url}/agents/raw-agent/runs`, {
    method: 'POST',
    headers: bearer(alice),
    body: form({ message: 'alice long run', stream: 'true' }),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  while (!buffer.includes('\n\n')) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error('stream ended early');
    buffer += decoder.decode(chunk.value, { stream: true });
  }
  const first = parseSSE(buffer.slice(0, buffer.indexOf('\n\n') + 2))[0];
  mine.activeRun = String(first?.data.run_id);
  mine.activeSession = String(first?.data.session_id);
  activeStream = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return buffer;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  })();
  probe.seen.length = 0;
});

afterAll(async () => {
  await closeServers();
  rmSync(dir, { recursive: true, force: true });
});

interface Probe {
  readonly what: string;
  readonly send: (
    runId: string,
    sessionId: string,
  ) => Promise<{ status: number; code: string; message: string }>;
}

const rest = (method: string, path: string, body?: FormData | string) => async (token: string) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...bearer(token),
      ...(typeof body === 'string' && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body }),
  });
  const failure = response.ok
    ? { code: 'OK', detail: await response.text() }
    : await restFailure(response);
  return { status: response.status, code: failure.code, message: failure.detail };
};

const trpc =
  (path: string, type: 'query' | 'mutation', input: unknown) => async (token: string) => {
    const result = await trpcCall({ url, path, type, input, headers: bearer(token) });
    return {
      status: result.status,
      code: result.error?.data.agentmintCode ?? 'OK',
      message: result.error?.message ?? result.text,
    };
  };

const subscribe = (path: string, input: unknown) => async (token: string) => {
  const { status, events } = await trpcSubscribe({ url, path, input, headers: bearer(token) });
  const delivered = events.filter((e) => e.event === 'message' || e.event === undefined);
  if (delivered.length > 0)
    return { status, code: 'DELIVERED', message: JSON.stringify(delivered) };
  const error = events.find((e) => e.event === 'serialized-error');
  const json = error?.data as
    | { json?: { message?: string; data?: { agentmintCode?: string } } }
    | undefined;
  return {
    status: error ? 404 : status,
    code: json?.json?.data?.agentmintCode ?? `HTTP ${status}`,
    message: json?.json?.message ?? '',
  };
};

/** Every route that takes a run or session id, as Bob would call it. */
const probes: Probe[] = [
  { what: 'REST GET run', send: (r) => rest('GET', `/agents/raw-agent/runs/${r}`)(bob) },
  {
    what: 'REST GET run, other agent',
    send: (r) => rest('GET', `/agents/strict-agent/runs/${r}`)(bob),
  },
  { what: 'REST cancel', send: (r) => rest('POST', `/agents/raw-agent/runs/${r}/cancel`)(bob) },
  {
    what: 'REST continue',
    send: (r) =>
      rest(
        'POST',
        `/agents/raw-agent/runs/${r}/continue`,
        form({ message: 'mine now', stream: 'false' }),
      )(bob),
  },
  { what: 'REST events', send: (r) => rest('GET', `/agents/raw-agent/runs/${r}/events`)(bob) },
  { what: 'REST GET session', send: (_, s) => rest('GET', `/sessions/${s}`)(bob) },
  { what: 'REST GET session runs', send: (_, s) => rest('GET', `/sessions/${s}/runs`)(bob) },
  {
    what: 'REST rename session',
    send: (_, s) => rest('POST', `/sessions/${s}/rename`, '{"session_name":"pwned"}')(bob),
  },
  { what: 'REST DELETE session', send: (_, s) => rest('DELETE', `/sessions/${s}`)(bob) },
  {
    what: 'REST run into the session',
    send: (_, s) =>
      rest(
        'POST',
        '/agents/raw-agent/runs',
        form({ message: 'hi', stream: 'false', session_id: s }),
      )(bob),
  },
  { what: 'tRPC runs.get', send: (r) => trpc('runs.get', 'query', { runId: r })(bob) },
  {
    what: 'tRPC runs.get with agent',
    send: (r) => trpc('runs.get', 'query', { runId: r, agentId: 'raw-agent' })(bob),
  },
  { what: 'tRPC runs.cancel', send: (r) => trpc('runs.cancel', 'mutation', { runId: r })(bob) },
  {
    what: 'tRPC runs.continue',
    send: (r) => trpc('runs.continue', 'mutation', { runId: r, input: 'mine now' })(bob),
  },
  {
    what: 'tRPC sessions.get',
    send: (_, s) => trpc('sessions.get', 'query', { sessionId: s })(bob),
  },
  {
    what: 'tRPC sessions.rename',
    send: (_, s) => trpc('sessions.rename', 'mutation', { sessionId: s, name: 'pwned' })(bob),
  },
  {
    what: 'tRPC sessions.delete',
    send: (_, s) => trpc('sessions.delete', 'mutation', { sessionId: s })(bob),
  },
  {
    what: 'tRPC run into the session',
    send: (_, s) => trpc('agents.raw-agent.run', 'mutation', { message: 'hi', sessionId: s })(bob),
  },
  {
    what: 'tRPC runs.watch',
    send: (r) => subscribe('runs.watch', { runId: r })(bob),
  },
  {
    what: 'tRPC runs.watch resumed by lastEventId',
    send: (r) => subscribe('runs.watch', { runId: r, lastEventId: `${r}:0` })(bob),
  },
];

const NOT_FOUND = ['RUN_NOT_FOUND', 'SESSION_NOT_FOUND'];

describe('tenant isolation: Bob against Alice, on every route', () => {
  it("cannot read, cancel, continue, resume, rename, delete or join Alice's runs and sessions", async () => {
    const targets = [
      { what: 'completed REST run', run: mine.completedRun, session: mine.completedSession },
      { what: 'tRPC run', run: mine.trpcRun, session: mine.trpcSession },
      { what: 'live run', run: mine.activeRun, session: mine.activeSession },
    ];
    for (const target of targets) {
      for (const p of probes) {
        const foreign = await p.send(target.run, target.session);
        const label = `${p.what} on Alice's ${target.what}`;
        expect(foreign.status, `${label}: ${foreign.message}`).toBe(404);
        expect(NOT_FOUND, label).toContain(foreign.code);
        // A client may pick a new session id, so running into an unknown id creates that session
        // (Agno semantics); only that probe can tell "someone's" from "nobody's" session ids.
        if (p.what.includes('run into the session')) continue;
        // Indistinguishable from an id nobody has: same status, code and message shape.
        const ghostRun = randomUUID();
        const ghostSession = randomUUID();
        const ghost = await p.send(ghostRun, ghostSession);
        expect({ status: ghost.status, code: ghost.code }, label).toEqual({
          status: foreign.status,
          code: foreign.code,
        });
        expect(ghost.message.replaceAll(ghostRun, 'ID').replaceAll(ghostSession, 'ID'), label).toBe(
          foreign.message.replaceAll(target.run, 'ID').replaceAll(target.session, 'ID'),
        );
      }
    }
    expect(probe.calls(), 'no factory ran for Bob').toBe(0);
  });

  it("never lists Alice's sessions to Bob (REST and tRPC, any filter or page)", async () => {
    const bobRun = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: bearer(bob),
      body: form({ message: 'bob own', stream: 'false', user_id: 'alice' }),
    });
    const bobSession = await jsonBody<{ session_id: string; user_id: string }>(bobRun);
    expect(bobSession.user_id).toBe('bob');
    const aliceSessions = [mine.completedSession, mine.trpcSession, mine.activeSession];
    const listings = [
      await (await fetch(`${url}/sessions`, { headers: bearer(bob) })).json(),
      await (
        await fetch(`${url}/sessions?agent_id=raw-agent&limit=1000`, { headers: bearer(bob) })
      ).json(),
      await (
        await fetch(`${url}/sessions?user_id=alice&component_id=strict-agent`, {
          headers: bearer(bob),
        })
      ).json(),
      (
        await trpcCall({
          url,
          path: 'sessions.list',
          type: 'query',
          input: { limit: 1000 },
          headers: bearer(bob),
        })
      ).result,
    ];
    for (const listing of listings) {
      const text = JSON.stringify(listing);
      for (const id of aliceSessions) expect(text).not.toContain(id);
      expect(text).not.toContain('alice');
    }
    expect(JSON.stringify(listings[0])).toContain(bobSession.session_id);
  });

  it('refuses guessed and mangled ids with 404 (never 200, never 5xx)', async () => {
    const known = [mine.completedRun, mine.activeRun, mine.completedSession];
    const guesses = fc.oneof(
      fc.uuid(),
      fc.constantFrom(...known).map((id) => id.toUpperCase()),
      fc.constantFrom(...known).map((id) => ` ${id}`),
      fc.constantFrom(...known).map((id) => `${id}%00`),
      fc.constantFrom(...known).map((id) => id.slice(0, 8)),
      fc.constantFrom("' OR '1'='1", '%', '*', '_', '..', '%25', 'null', 'undefined', '0'),
      fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/[/?#]/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(guesses, async (guess) => {
        const id = encodeURIComponent(guess);
        for (const path of [
          `/agents/raw-agent/runs/${id}`,
          `/sessions/${id}`,
          `/sessions/${id}/runs`,
        ]) {
          const response = await fetch(`${url}${path}`, { headers: bearer(bob) });
          await response.body?.cancel();
          expect([400, 404], `${path} (${JSON.stringify(guess)})`).toContain(response.status);
        }
        const viaTrpc = await trpcCall({
          url,
          path: 'runs.get',
          type: 'query',
          input: { runId: guess },
          headers: bearer(bob),
        });
        expect([400, 404]).toContain(viaTrpc.status);
      }),
      { numRuns: scaled(60, 10) },
    );
  });

  // Regression (issue #11): both got 200, the session held both users' runs, and the owner's
  // DELETE wiped the other's. The store now checks the owner atomically with the insert.
  it('Alice and Bob racing on one new session_id: one run, one owner, the other a 404', async () => {
    for (let round = 0; round < 10; round++) {
      const sessionId = `race-${round}-${randomUUID()}`;
      const [first, second] = await Promise.all(
        [alice, bob].map((token) =>
          fetch(`${url}/agents/raw-agent/runs`, {
            method: 'POST',
            headers: bearer(token),
            body: form({ message: 'race', stream: 'false', session_id: sessionId }),
          }),
        ),
      );
      const statuses = [first!.status, second!.status].sort();
      expect(statuses, `round ${round}`).toEqual([200, 404]);
      const loser = first!.status === 404 ? first! : second!;
      expect(await restFailure(loser)).toMatchObject({ code: 'SESSION_NOT_FOUND' });
      const session = await jsonBody<{ user_id: string; runs: { user_id: string }[] }>(
        await fetch(`${url}/sessions/${sessionId}`, { headers: bearer(admin) }),
      );
      expect(['alice', 'bob']).toContain(session.user_id);
      expect(session.runs.map((run) => run.user_id)).toEqual([session.user_id]);
    }
  });

  it("left Alice's data untouched: the live run completed, nothing renamed, cancelled or deleted", async () => {
    const body = await activeStream!;
    const events = parseSSE(body);
    expect(events.at(-1)?.event).toBe('RunCompleted');
    for (const runId of [mine.completedRun, mine.trpcRun, mine.activeRun]) {
      const run = await trpcCall({
        url,
        path: 'runs.get',
        type: 'query',
        input: { runId },
        headers: bearer(alice),
      });
      expect(run.status).toBe(200);
      expect((run.result as { status: string; userId: string }).status).toBe('COMPLETED');
    }
    for (const sessionId of [mine.completedSession, mine.trpcSession, mine.activeSession]) {
      const session = await fetch(`${url}/sessions/${sessionId}`, { headers: bearer(alice) });
      const record = await jsonBody<{ session_name: unknown; runs: { user_id: string }[] }>(
        session,
      );
      expect(session.status).toBe(200);
      expect(record.session_name).not.toBe('pwned');
      expect(record.runs.map((r) => r.user_id)).toEqual(record.runs.map(() => 'alice'));
    }
    // Alice resumes her own finished run by its events (REST and tRPC): the full log is there.
    const replay = await fetch(`${url}/agents/raw-agent/runs/${mine.activeRun}/events`, {
      headers: bearer(alice),
    });
    expect(parseSSE(await replay.text()).map((e) => e.event)).toEqual(events.map((e) => e.event));
    const resumed = await trpcSubscribe({
      url,
      path: 'runs.watch',
      input: { runId: mine.activeRun, lastEventId: `${mine.activeRun}:0` },
      headers: bearer(alice),
    });
    expect(resumed.events.filter((e) => e.event === 'message').length).toBe(events.length);
    // The admin sees everyone's sessions, so the data Bob could not see does exist.
    const all = await eventually(async () => {
      const listing = await (
        await fetch(`${url}/sessions?limit=1000`, { headers: bearer(admin) })
      ).text();
      return listing.includes(mine.activeSession) ? listing : undefined;
    });
    expect(all).toContain(mine.completedSession);
  });
});
