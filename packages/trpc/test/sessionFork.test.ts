import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryDb, newId, type SessionRecord, type Store } from '@agentmint/core';
import { PostgresDb, SqliteDb } from '@agentmint/db';
import { SignJWT } from 'jose';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { dropPostgresSchema } from './dropPostgresSchema.ts';
import { form, seedOS } from './fixtures.ts';

// POST /agents/{id}/sessions/{session_id}/fork and tRPC sessions.fork, on each store: a new session
// with copies of the runs (new ids, the factory input, events and messages), isolated per user.

const SECRET = 'fork-secret-of-at-least-32-bytes-long!!';
const ALL_SCOPES = 'agents:read agents:run sessions:read sessions:write sessions:delete';
// PostgreSQL where DATABASE_URL names one (CI always does, see .ci/run).
const PG_URL = process.env.DATABASE_URL;

const sign = (sub: string, scope: string) =>
  new SignJWT({ sub, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));

interface StoreCase {
  readonly name: string;
  open(): Promise<{ store: Store; cleanUp(): Promise<void> }>;
}

const STORES: StoreCase[] = [
  {
    name: 'InMemoryDb',
    open: async () => ({ store: new InMemoryDb(), cleanUp: async () => {} }),
  },
  {
    name: 'SqliteDb',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'agentmint-fork-'));
      const store = new SqliteDb({ dbFile: join(dir, 'agentmint.db') });
      return {
        store,
        cleanUp: async () => {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  ...(PG_URL === undefined ? [] : [postgresCase(PG_URL)]),
];

function postgresCase(dbUrl: string): StoreCase {
  return {
    name: 'PostgresDb',
    async open() {
      const schema = `fork_${newId().replaceAll('-', '').slice(0, 12)}`;
      const store = new PostgresDb({ dbUrl, schema });
      return {
        store,
        // Server close closes the store first, so the schema goes through a connection of its own.
        async cleanUp() {
          await store.close();
          await dropPostgresSchema(dbUrl, schema);
        },
      };
    },
  };
}

for (const storeCase of STORES) {
  describe(`session fork over REST and tRPC (${storeCase.name})`, () => {
    let server: ServerHandle;
    let setup: ReturnType<typeof seedOS>;
    let cleanUp: () => Promise<void>;
    const tokens = { alice: '', bob: '', aliceReadOnly: '' };

    beforeAll(async () => {
      const opened = await storeCase.open();
      cleanUp = opened.cleanUp;
      await opened.store.init();
      setup = seedOS({ auth: { secret: SECRET, algorithms: ['HS256'] } }, opened.store);
      server = await setup.os.serve({ port: 0 });
      tokens.alice = await sign('alice', ALL_SCOPES);
      tokens.bob = await sign('bob', ALL_SCOPES);
      tokens.aliceReadOnly = await sign('alice', 'agents:read agents:run sessions:read');
    });

    afterAll(async () => {
      await server?.close({ graceMs: 100 });
      await cleanUp?.();
    });

    async function run(message: string, sessionId?: string) {
      const response = await fetch(`${server.url}/agents/research-agent/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.alice}` },
        body: form({
          message,
          stream: 'false',
          factory_input: JSON.stringify({ persona: 'skeptic', depth: 5 }),
          ...(sessionId && { session_id: sessionId }),
        }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { run_id: string; session_id: string };
    }

    function fork(token: string, sessionId: string, body?: string, agentId = 'research-agent') {
      return fetch(`${server.url}/agents/${agentId}/sessions/${sessionId}/fork`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body }),
      });
    }

    async function trpcFork(token: string, input: { sessionId: string; name?: string }) {
      const response = await fetch(`${server.url}/trpc/sessions.fork`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(superjson.serialize(input)),
      });
      const body = (await response.json()) as {
        result?: { data: Parameters<typeof superjson.deserialize>[0] };
        error?: { json?: { data?: { agentmintCode?: string } } };
      };
      return {
        status: response.status,
        session: body.result && superjson.deserialize<SessionRecord>(body.result.data),
        code: body.error?.json?.data?.agentmintCode,
      };
    }

    it('forks a factory agent session over REST: 201, new run ids, history and run reads work', async () => {
      const first = await run('remember the number 42');
      const second = await run('and the colour teal', first.session_id);

      const response = await fork(tokens.alice, first.session_id, '{"session_name":"Branch"}');
      expect(response.status).toBe(201);
      const forked = (await response.json()) as {
        session_id: string;
        session_name: string;
        user_id: string;
        agent_id: string;
        forked_from_session_id: string;
        runs: { run_id: string; content: string }[];
      };
      expect(forked).toMatchObject({
        session_name: 'Branch',
        user_id: 'alice',
        agent_id: 'research-agent',
        forked_from_session_id: first.session_id,
      });
      expect(forked.session_id).not.toBe(first.session_id);
      const copies = forked.runs.map((r) => r.run_id);
      expect(copies).toHaveLength(2);
      expect(copies).not.toContain(first.run_id);
      expect(copies).not.toContain(second.run_id);

      // The copies read like runs of the fork.
      const copy = await fetch(`${server.url}/sessions/${forked.session_id}/runs/${copies[0]}`, {
        headers: { authorization: `Bearer ${tokens.alice}` },
      });
      expect(copy.status).toBe(200);
      expect(await copy.json()).toMatchObject({ run_id: copies[0], session_id: forked.session_id });

      // A new run in the fork sees the copied history; the source session does not see it.
      await run('what did I ask you to remember?', forked.session_id);
      const history = setup.model.lastRequest?.messages.map((m) => m.content) ?? [];
      expect(history).toContain('remember the number 42');
      expect(history).toContain('and the colour teal');
      const source = await fetch(`${server.url}/sessions/${first.session_id}/runs`, {
        headers: { authorization: `Bearer ${tokens.alice}` },
      });
      expect((await source.json()) as unknown[]).toHaveLength(2);
    });

    it('forks over tRPC: sessions.fork returns the session with forkedFromSessionId', async () => {
      const first = await run('a tRPC fork');
      const { status, session } = await trpcFork(tokens.alice, {
        sessionId: first.session_id,
        name: 'via tRPC',
      });
      expect(status).toBe(200);
      expect(session).toMatchObject({
        agentId: 'research-agent',
        userId: 'alice',
        name: 'via tRPC',
        forkedFromSessionId: first.session_id,
      });
      expect(session?.createdAt).toBeInstanceOf(Date);
      const runs = await setup.db.listRuns({ sessionId: session!.sessionId });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ factoryInput: { persona: 'skeptic', depth: 5 } });
    });

    it("isolation: another user's session is 404 on both transports, and nothing is created", async () => {
      const first = await run('private');
      const before = await setup.db.countSessions({});

      const rest = await fork(tokens.bob, first.session_id);
      expect(rest.status).toBe(404);
      expect(await rest.json()).toMatchObject({ code: 'SESSION_NOT_FOUND' });
      expect(await trpcFork(tokens.bob, { sessionId: first.session_id })).toMatchObject({
        status: 404,
        code: 'SESSION_NOT_FOUND',
      });
      // A route naming another agent than the session's answers as a missing session.
      const wrongAgent = await fork(tokens.alice, first.session_id, undefined, 'tenant-agent');
      expect(wrongAgent.status).toBe(404);
      expect(await setup.db.countSessions({})).toBe(before);
    });

    it('needs sessions:write, and refuses a body that is not a JSON object', async () => {
      const first = await run('scoped');
      const readOnly = await fork(tokens.aliceReadOnly, first.session_id);
      expect(readOnly.status).toBe(403);
      expect(await readOnly.json()).toMatchObject({ code: 'FORBIDDEN' });
      expect(await trpcFork(tokens.aliceReadOnly, { sessionId: first.session_id })).toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
      });
      const badBody = await fork(tokens.alice, first.session_id, '[1]');
      expect(badBody.status).toBe(400);
      expect(await badBody.json()).toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
}
