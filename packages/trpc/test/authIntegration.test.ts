import { exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { form, seedOS } from './fixtures.ts';

const SECRET = 'integration-secret-of-at-least-32-bytes!!';
const key = new TextEncoder().encode(SECRET);
const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

function sign(
  payload: JWTPayload,
  options: { exp?: string | number; nbf?: number; iss?: string; aud?: string } = {},
) {
  let jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(options.iss ?? 'agentmint-tests')
    .setAudience(options.aud ?? 'agentmint');
  jwt = jwt.setExpirationTime(options.exp ?? '5m');
  if (options.nbf !== undefined) jwt = jwt.setNotBefore(options.nbf);
  return jwt.sign(key);
}

async function start() {
  const setup = seedOS({
    auth: {
      secret: SECRET,
      algorithms: ['HS256'],
      issuer: 'agentmint-tests',
      audience: 'agentmint',
    },
  });
  const server = await setup.os.serve({ port: 0 });
  servers.push(server);
  return { ...setup, url: server.url };
}

const runAs = (
  url: string,
  agent: string,
  token: string | undefined,
  fields: Record<string, string>,
) =>
  fetch(`${url}/agents/${agent}/runs`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form({ stream: 'false', ...fields }),
  });

const ALL = 'agents:read agents:run sessions:read sessions:write sessions:delete';

describe('JWT auth over HTTP (contract §4, §9 items 10–15)', () => {
  it('rejects missing and hostile tokens with 401 before any factory runs', async () => {
    const { url, calls } = await start();
    const rsa = await generateKeyPair('RS256');
    const rsaPem = await exportSPKI(rsa.publicKey);
    const now = Math.floor(Date.now() / 1000);
    const good = await sign({ sub: 'u1', scope: ALL });
    const [header, payload] = good.split('.');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString(
      'base64url',
    );
    const hostile: Record<string, string | undefined> = {
      missing: undefined,
      garbage: 'not-a-jwt',
      expired: await sign({ sub: 'u1', scope: ALL }, { exp: now - 3600 }),
      notYetValid: await sign({ sub: 'u1', scope: ALL }, { nbf: now + 3600 }),
      wrongIssuer: await sign({ sub: 'u1', scope: ALL }, { iss: 'evil' }),
      wrongAudience: await sign({ sub: 'u1', scope: ALL }, { aud: 'other' }),
      badSignature: `${header}.${payload}.${'A'.repeat(43)}`,
      strippedSignature: `${header}.${payload}.`,
      algNone: `${noneHeader}.${payload}.`,
      rsPublicKeyAsHmacSecret: await new SignJWT({ sub: 'u1', scope: ALL })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('agentmint-tests')
        .setAudience('agentmint')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(rsaPem)),
      oversized: await sign({ sub: 'u1', scope: ALL, pad: 'x'.repeat(9_000) }),
    };
    for (const [name, token] of Object.entries(hostile)) {
      const response = await runAs(url, 'tenant-agent', token, { message: 'hi' });
      expect({ name, status: response.status }).toEqual({ name, status: 401 });
      expect(((await response.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    }
    expect(calls.tenant).toBe(0);
  });

  it('answers 403 naming the scope when agents:run is missing; the factory is never called (§9.12)', async () => {
    const { url, calls } = await start();
    const token = await sign({ sub: 'u1', scope: 'agents:read' });
    const response = await runAs(url, 'tenant-agent', token, { message: 'hi' });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { code: string; detail: string };
    expect(body.code).toBe('FORBIDDEN');
    expect(body.detail).toContain('agents:tenant-agent:run');
    expect(calls.tenant).toBe(0);
  });

  it('allows per-agent and wildcard run scopes, and admin', async () => {
    const { url } = await start();
    for (const scope of ['agents:tenant-agent:run', 'agents:*:run', 'agent_os:admin']) {
      const response = await runAs(url, 'tenant-agent', await sign({ sub: 'u1', scope }), {
        message: 'hi',
      });
      expect({ scope, status: response.status }).toEqual({ scope, status: 200 });
    }
    const other = await runAs(
      url,
      'research-agent',
      await sign({ sub: 'u1', scope: 'agents:tenant-agent:run' }),
      {
        message: 'hi',
      },
    );
    expect(other.status).toBe(403);
  });

  it('denies a no-role token with 403 before any model call; a role gets through (§9.10)', async () => {
    const { url, model, seen } = await start();
    const denied = await runAs(url, 'workspace-agent', await sign({ sub: 'u1', scope: ALL }), {
      message: 'hi',
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('FACTORY_FORBIDDEN');
    expect(model.calls).toBe(0);
    const allowed = await runAs(
      url,
      'workspace-agent',
      await sign({ sub: 'u1', scope: ALL, role: 'editor' }),
      {
        message: 'hi',
      },
    );
    expect(allowed.status).toBe(200);
    expect(seen.roles).toEqual([undefined, 'editor']);
  });

  it('passes verified claims and scopes to the factory, building it exactly once per run (§9.11)', async () => {
    const { url, calls, seen } = await start();
    const response = await runAs(url, 'tenant-agent', await sign({ sub: 'alice', scope: ALL }), {
      message: 'hi',
      user_id: 'mallory',
    });
    expect(response.status).toBe(200);
    expect(calls.tenant).toBe(1);
    // §9.15: the verified sub wins over the form's user_id.
    expect(seen.userIds).toEqual(['alice']);
    expect(((await response.json()) as { user_id: string }).user_id).toBe('alice');
  });

  it('gives factories the request headers without the credentials', async () => {
    const { url, seen } = await start();
    const token = await sign({ sub: 'alice', scope: ALL });
    await fetch(`${url}/agents/tenant-agent/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, cookie: 'session=secret', 'x-tenant': 'acme' },
      body: form({ message: 'hi', stream: 'false' }),
    });
    expect(seen.headers[0]?.['x-tenant']).toBe('acme');
    expect(seen.headers[0]).not.toHaveProperty('authorization');
    expect(seen.headers[0]).not.toHaveProperty('cookie');
    expect(Object.isFrozen(seen.headers[0])).toBe(true);
  });

  it('lists only the agents the caller may read', async () => {
    const { url } = await start();
    const token = await sign({ sub: 'u1', scope: 'agents:research-agent:run' });
    const agents = (await (
      await fetch(`${url}/agents`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      id: string;
    }[];
    expect(agents.map((a) => a.id)).toEqual(['research-agent']);
  });

  it('isolates users: B cannot read, list, cancel, continue or delete A’s runs and sessions', async () => {
    const { url } = await start();
    const alice = await sign({ sub: 'alice', scope: ALL });
    const bob = await sign({ sub: 'bob', scope: ALL });
    const admin = await sign({ sub: 'root', scope: `${ALL} agent_os:admin` });
    const run = (await (await runAs(url, 'tenant-agent', alice, { message: 'secret' })).json()) as {
      run_id: string;
      session_id: string;
    };
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const bobGets = [
      fetch(`${url}/agents/tenant-agent/runs/${run.run_id}`, { headers: as(bob) }),
      fetch(`${url}/sessions/${run.session_id}`, { headers: as(bob) }),
      fetch(`${url}/agents/tenant-agent/runs/${run.run_id}/cancel`, {
        method: 'POST',
        headers: as(bob),
      }),
      fetch(`${url}/agents/tenant-agent/runs/${run.run_id}/continue`, {
        method: 'POST',
        headers: as(bob),
        body: form({ message: 'x', stream: 'false' }),
      }),
      fetch(`${url}/sessions/${run.session_id}`, { method: 'DELETE', headers: as(bob) }),
      runAs(url, 'tenant-agent', bob, { message: 'hijack', session_id: run.session_id }),
    ];
    for (const response of await Promise.all(bobGets)) expect(response.status).toBe(404);
    const bobList = (await (await fetch(`${url}/sessions`, { headers: as(bob) })).json()) as {
      data: unknown[];
    };
    expect(bobList.data).toEqual([]);
    const aliceGets = await fetch(`${url}/sessions/${run.session_id}`, { headers: as(alice) });
    expect(aliceGets.status).toBe(200);
    const adminGets = await fetch(`${url}/agents/tenant-agent/runs/${run.run_id}`, {
      headers: as(admin),
    });
    expect(adminGets.status).toBe(200);
  });
});
