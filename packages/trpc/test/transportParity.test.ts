import { SignJWT } from 'jose';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { form, seedOS } from './fixtures.ts';

// Every route of both transports goes through the operations layer: the same request, refused for
// the same reason, gets the same status and code on REST and on tRPC.

const SECRET = 'parity-secret-of-at-least-32-bytes-long!';
const ALL_SCOPES = 'agents:read agents:run sessions:read sessions:write sessions:delete';
const OVERSIZED = 'x'.repeat(300);

const sign = (sub: string, scope: string) =>
  new SignJWT({ sub, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));

interface Outcome {
  readonly status: number;
  readonly code: string | undefined;
}

interface Ids {
  readonly agentId: string;
  readonly runId: string;
  readonly sessionId: string;
}

interface Route {
  readonly name: string;
  readonly rest: (ids: Ids) => { method: string; path: string; body?: BodyInit };
  readonly trpc: (ids: Ids) => { type: 'query' | 'mutation'; path: string; input: unknown };
}

const ROUTES: Route[] = [
  {
    name: 'get agent',
    rest: (i) => ({ method: 'GET', path: `/agents/${i.agentId}` }),
    trpc: (i) => ({ type: 'query', path: 'agents.get', input: { agentId: i.agentId } }),
  },
  {
    name: 'get run',
    rest: (i) => ({ method: 'GET', path: `/agents/${i.agentId}/runs/${i.runId}` }),
    trpc: (i) => ({
      type: 'query',
      path: 'runs.get',
      input: { runId: i.runId, agentId: i.agentId },
    }),
  },
  {
    name: 'cancel run',
    rest: (i) => ({ method: 'POST', path: `/agents/${i.agentId}/runs/${i.runId}/cancel` }),
    trpc: (i) => ({
      type: 'mutation',
      path: 'runs.cancel',
      input: { runId: i.runId, agentId: i.agentId },
    }),
  },
  {
    name: 'continue run',
    rest: (i) => ({
      method: 'POST',
      path: `/agents/${i.agentId}/runs/${i.runId}/continue`,
      body: form({ message: 'and then?', stream: 'false' }),
    }),
    trpc: (i) => ({
      type: 'mutation',
      path: 'runs.continue',
      input: { runId: i.runId, input: 'and then?' },
    }),
  },
  {
    name: 'get session',
    rest: (i) => ({ method: 'GET', path: `/sessions/${i.sessionId}` }),
    trpc: (i) => ({ type: 'query', path: 'sessions.get', input: { sessionId: i.sessionId } }),
  },
  {
    name: 'rename session',
    rest: (i) => ({
      method: 'POST',
      path: `/sessions/${i.sessionId}/rename`,
      body: JSON.stringify({ session_name: 'renamed' }),
    }),
    trpc: (i) => ({
      type: 'mutation',
      path: 'sessions.rename',
      input: { sessionId: i.sessionId, name: 'renamed' },
    }),
  },
  {
    name: 'fork session',
    rest: (i) => ({
      method: 'POST',
      path: `/agents/${i.agentId}/sessions/${i.sessionId}/fork`,
      body: JSON.stringify({ session_name: 'branch' }),
    }),
    trpc: (i) => ({
      type: 'mutation',
      path: 'sessions.fork',
      input: { sessionId: i.sessionId, name: 'branch' },
    }),
  },
  {
    name: 'delete session',
    rest: (i) => ({ method: 'DELETE', path: `/sessions/${i.sessionId}` }),
    trpc: (i) => ({ type: 'mutation', path: 'sessions.delete', input: { sessionId: i.sessionId } }),
  },
];

let server: ServerHandle;
let aliceRun: Ids;
const tokens: Record<'alice' | 'aliceNoScopes' | 'bob', string> = {
  alice: '',
  aliceNoScopes: '',
  bob: '',
};

beforeAll(async () => {
  const { os } = seedOS({ auth: { secret: SECRET, algorithms: ['HS256'] } });
  server = await os.serve({ port: 0 });
  tokens.alice = await sign('alice', ALL_SCOPES);
  tokens.aliceNoScopes = await sign('alice', '');
  tokens.bob = await sign('bob', ALL_SCOPES);
  const response = await fetch(`${server.url}/agents/tenant-agent/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.alice}` },
    body: form({ message: 'hello', stream: 'false' }),
  });
  const run = (await response.json()) as { run_id: string; session_id: string };
  aliceRun = { agentId: 'tenant-agent', runId: run.run_id, sessionId: run.session_id };
});

afterAll(() => server.close({ graceMs: 100 }));

async function viaRest(route: Route, ids: Ids, token: string): Promise<Outcome> {
  const { method, path, body } = route.rest(ids);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (typeof body === 'string') headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body && { body }) });
  const json = (await response.json().catch(() => ({}))) as { code?: string };
  return { status: response.status, code: json.code };
}

async function viaTrpc(route: Route, ids: Ids, token: string): Promise<Outcome> {
  const { type, path, input } = route.trpc(ids);
  const encoded = JSON.stringify(superjson.serialize(input));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const response =
    type === 'query'
      ? await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(encoded)}`, { headers })
      : await fetch(`${server.url}/trpc/${path}`, { method: 'POST', headers, body: encoded });
  const json = (await response.json()) as {
    error?: { json?: { data?: { agentmintCode?: string } } };
  };
  return { status: response.status, code: json.error?.json?.data?.agentmintCode };
}

const scenarios = [
  {
    name: 'a token without the scope',
    token: () => tokens.aliceNoScopes,
    ids: () => aliceRun,
    expected: { status: 403, code: 'FORBIDDEN' },
  },
  {
    name: "another user's ids",
    token: () => tokens.bob,
    ids: () => aliceRun,
    expected: { status: 404 },
  },
  {
    name: 'oversized ids',
    token: () => tokens.alice,
    ids: () => ({ agentId: OVERSIZED, runId: OVERSIZED, sessionId: OVERSIZED }),
    expected: { status: 404 },
  },
] as const;

describe('every route answers the same on REST and tRPC (one operations layer)', () => {
  for (const scenario of scenarios) {
    for (const route of ROUTES) {
      it(`${route.name} with ${scenario.name}`, async () => {
        // 'get agent' is allowed to any caller who may run it: only the oversized id refuses it.
        const ids = scenario.ids();
        const rest = await viaRest(route, ids, scenario.token());
        const trpc = await viaTrpc(route, ids, scenario.token());
        expect(trpc).toEqual(rest);
        if (route.name !== 'get agent' || scenario.name === 'oversized ids') {
          expect(rest.status).toBe(scenario.expected.status);
          if ('code' in scenario.expected) expect(rest.code).toBe(scenario.expected.code);
        }
      });
    }
  }

  it('refuses an oversized message echo: not-found messages cut client ids', async () => {
    const response = await fetch(`${server.url}/sessions/${OVERSIZED}`, {
      headers: { authorization: `Bearer ${tokens.alice}` },
    });
    const body = (await response.json()) as { detail: string };
    expect(body.detail.length).toBeLessThan(100);
  });
});
