import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { InMemoryDb } from '@agentmint/core';
import { type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeAgents } from '../support/agents.ts';
import { bearer, form, jsonBody, restFailure, trpcCall, trpcSubscribe } from '../support/http.ts';
import { deadUrl, type JwksServer, startJwksServer } from '../support/jwksServer.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';
import { base64url, handCrafted, hsAuth, signedClaims, userToken } from '../support/tokens.ts';

// Contract §4: every token that is not a valid, unexpired, correctly signed token from the
// configured issuer for the configured audience is a 401 — over REST and tRPC, before any factory.

const ISSUER = 'https://issuer.reliability.test';
const AUDIENCE = 'agentmint-api';
const now = () => Math.floor(Date.now() / 1000);

function rsaPair(): { privateKey: KeyObject; publicKey: KeyObject; pem: string; jwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwk: publicKey.export({ format: 'jwk' }) as JWK,
  };
}

const trusted = rsaPair();
const attacker = rsaPair();
const CLAIMS: JWTPayload = {
  sub: 'mallory',
  scopes: ['agents:run', 'agents:read', 'sessions:read'],
};

interface SignSpec {
  readonly alg?: string;
  readonly key?: KeyObject | Uint8Array;
  readonly header?: Record<string, unknown>;
  readonly claims?: JWTPayload;
  readonly iss?: string | undefined;
  readonly aud?: string | undefined;
  readonly exp?: number;
  readonly nbf?: number;
}

/** A token from the trusted key unless the spec changes something. */
async function sign(spec: SignSpec = {}): Promise<string> {
  const jwt = new SignJWT({ ...CLAIMS, ...spec.claims })
    .setProtectedHeader({ alg: spec.alg ?? 'RS256', typ: 'JWT', ...spec.header })
    .setIssuedAt()
    .setExpirationTime(spec.exp ?? now() + 300);
  if ('iss' in spec ? spec.iss !== undefined : true) jwt.setIssuer(spec.iss ?? ISSUER);
  if ('aud' in spec ? spec.aud !== undefined : true) jwt.setAudience(spec.aud ?? AUDIENCE);
  if (spec.nbf !== undefined) jwt.setNotBefore(spec.nbf);
  return jwt.sign(spec.key ?? trusted.privateKey);
}

/** RS256 over any header, including ones jose refuses to produce (e.g. an unknown `crit`). */
function signRaw(header: object, claims: JWTPayload, key: KeyObject): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key);
  return `${input}.${base64url(signature)}`;
}

function payloadOf(token: string): string {
  return token.split('.')[1] ?? '';
}

/** Every hostile token of the matrix, by name. */
async function hostileTokens(): Promise<Record<string, string>> {
  const valid = await sign();
  const [head, body, signature] = valid.split('.');
  const forged = base64url(JSON.stringify({ ...CLAIMS, sub: 'admin', scopes: ['agent_os:admin'] }));
  const noneClaims = {
    ...CLAIMS,
    iss: ISSUER,
    aud: AUDIENCE,
    exp: now() + 300,
    scopes: ['agent_os:admin'],
  };
  return {
    'alg none': handCrafted({ alg: 'none', typ: 'JWT' }, noneClaims),
    'alg None': handCrafted({ alg: 'None', typ: 'JWT' }, noneClaims),
    'alg NONE with a signature': handCrafted({ alg: 'NONE' }, noneClaims, signature),
    'HS256 signed with the public key PEM (HS/RS confusion)': await sign({
      alg: 'HS256',
      key: new TextEncoder().encode(trusted.pem),
    }),
    'HS256 signed with the public key DER': await sign({
      alg: 'HS256',
      key: new Uint8Array(trusted.publicKey.export({ type: 'spki', format: 'der' })),
    }),
    'stripped signature': `${head}.${body}.`,
    'two-part token': `${head}.${body}`,
    'payload swapped under a valid signature': `${head}.${forged}.${signature}`,
    'header swapped to HS256 under a valid signature': `${base64url('{"alg":"HS256"}')}.${body}.${signature}`,
    'signed by another key': await sign({ key: attacker.privateKey }),
    'RS512 (not in the allow-list)': await sign({ alg: 'RS512' }),
    'PS256 (not in the allow-list)': await sign({ alg: 'PS256' }),
    expired: await sign({ exp: now() - 60 }),
    'nbf in the future': await sign({ nbf: now() + 600 }),
    'wrong iss': await sign({ iss: 'https://evil.example' }),
    'missing iss': await sign({ iss: undefined }),
    'wrong aud': await sign({ aud: 'another-api' }),
    'missing aud': await sign({ aud: undefined }),
    'exp as a string': signRaw(
      { alg: 'RS256' },
      { ...CLAIMS, iss: ISSUER, aud: AUDIENCE, exp: '9999999999' as unknown as number },
      trusted.privateKey,
    ),
    'nbf as a string, no exp': signRaw(
      { alg: 'RS256' },
      { ...CLAIMS, iss: ISSUER, aud: AUDIENCE, nbf: 'now' as unknown as number },
      trusted.privateKey,
    ),
    'unknown crit header': signRaw(
      { alg: 'RS256', crit: ['x-custom'], 'x-custom': 1 },
      { ...CLAIMS, iss: ISSUER, aud: AUDIENCE, exp: now() + 300 },
      trusted.privateKey,
    ),
    'jku pointing at an attacker key set': await sign({
      key: attacker.privateKey,
      header: { jku: 'http://127.0.0.1:1/jwks.json', kid: 'evil' },
    }),
    'embedded attacker jwk': await sign({
      key: attacker.privateKey,
      header: { jwk: attacker.jwk },
    }),
    'kid path traversal': await sign({
      key: attacker.privateKey,
      header: { kid: '../../../dev/null' },
    }),
    // Just over maxTokenBytes (8 KiB) with a valid signature: refused before verification.
    oversized: await sign({ claims: { padding: 'p'.repeat(6_500) } }),
    'not base64url': `${head}.${body}.***`,
    'payload not JSON': `${head}.${base64url('not json')}.${signature}`,
    garbage: 'garbage',
    empty: '',
    'valid token twice': `${valid} ${valid}`,
    'payload of a valid token only': payloadOf(valid),
  };
}

const servers: { url: string; probe: ReturnType<typeof probeAgents> }[] = [];
afterAll(() => closeServers());

async function rsServer() {
  const probe = probeAgents({ db: new InMemoryDb() });
  const { url } = await startOS({
    agents: probe.agents,
    logger: recordingLogger(),
    auth: { publicKey: trusted.pem, algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE },
  });
  servers.push({ url, probe });
  return { url, probe };
}

/** Every way a token reaches the server: REST run/list/sessions, tRPC mutation/query/subscription. */
async function expectRejectedEverywhere(
  url: string,
  authorization: Record<string, string>,
  what: string,
) {
  const restRun = await fetch(`${url}/agents/raw-agent/runs`, {
    method: 'POST',
    headers: authorization,
    body: form({ message: 'hi', stream: 'false', factory_input: '{"x":1}' }),
  });
  const restStream = await fetch(`${url}/agents/strict-agent/runs`, {
    method: 'POST',
    headers: authorization,
    body: form({ message: 'hi', stream: 'true' }),
  });
  for (const response of [
    restRun,
    restStream,
    await fetch(`${url}/agents`, { headers: authorization }),
    await fetch(`${url}/sessions`, { headers: authorization }),
    await fetch(`${url}/agents/raw-agent/runs/r1/cancel`, {
      method: 'POST',
      headers: authorization,
    }),
  ]) {
    expect(await restFailure(response), `${what}: REST ${response.url}`).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  }
  const mutation = await trpcCall({
    url,
    path: 'agents.raw-agent.run',
    type: 'mutation',
    input: { message: 'hi', factoryInput: { x: 1 } },
    headers: authorization,
  });
  const query = await trpcCall({ url, path: 'agents.list', type: 'query', headers: authorization });
  for (const result of [mutation, query]) {
    expect(result.status, `${what}: tRPC`).toBe(401);
    expect(result.error?.data.agentmintCode, `${what}: tRPC`).toBe('UNAUTHENTICATED');
  }
  const start = await trpcCall({
    url,
    path: 'agents.raw-agent.start',
    type: 'mutation',
    input: { message: 'hi' },
    headers: authorization,
  });
  expect(start.status, `${what}: tRPC start`).toBe(401);
  expect(start.error?.data.agentmintCode, `${what}: tRPC start`).toBe('UNAUTHENTICATED');
  const subscription = await trpcSubscribe({
    url,
    path: 'runs.watch',
    input: { runId: 'any-run' },
    headers: authorization,
  });
  const runEvents = subscription.events.filter((e) => e.event === 'message');
  expect(runEvents, `${what}: tRPC watch must not deliver run events`).toEqual([]);
  const refused =
    subscription.status === 401 ||
    subscription.events.some(
      (e) => e.event === 'serialized-error' && JSON.stringify(e.data).includes('UNAUTHENTICATED'),
    );
  expect(
    refused,
    `${what}: tRPC watch ${subscription.status} ${JSON.stringify(subscription.events)}`,
  ).toBe(true);
}

describe('hostile tokens against an RS256 public key with iss and aud (REST and tRPC)', () => {
  let url = '';
  let probe: ReturnType<typeof probeAgents>;
  beforeAll(async () => {
    ({ url, probe } = await rsServer());
  });

  it('accepts the control token (so the matrix below tests the token, not the setup)', async () => {
    const response = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: bearer(await sign()),
      body: form({ message: 'hi', stream: 'false' }),
    });
    expect(response.status).toBe(200);
    expect(probe.seen.at(-1)).toMatchObject({ userId: 'mallory', source: 'jwt' });
    probe.seen.length = 0;
  });

  it('answers 401 UNAUTHENTICATED to every token of the matrix, and no factory runs', async () => {
    const tokens = await hostileTokens();
    expect(Object.keys(tokens).length).toBeGreaterThanOrEqual(25);
    for (const [what, token] of Object.entries(tokens)) {
      await expectRejectedEverywhere(url, { authorization: `Bearer ${token}` }, what);
    }
    expect(tokens.oversized?.length).toBeGreaterThan(8 * 1024);
    // Far larger headers never reach the app: Node answers 431 itself (still no 5xx, no factory).
    const huge = await sign({ claims: { padding: 'p'.repeat(40_000) } });
    const response = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: bearer(huge),
      body: form({ message: 'hi' }),
    });
    expect(response.status).toBe(431);
    expect(probe.calls()).toBe(0);
  });

  it('answers 401 to malformed Authorization headers and missing credentials', async () => {
    const valid = await sign();
    const headers: Record<string, Record<string, string>> = {
      'no header': {},
      'Basic scheme': { authorization: `Basic ${base64url('admin:admin')}` },
      'Bearer without token': { authorization: 'Bearer' },
      'Bearer and spaces': { authorization: 'Bearer    ' },
      'token without scheme': { authorization: valid },
      'header over the size limit': { authorization: `Bearer ${'a'.repeat(9_000)}` },
      'token in a cookie nobody configured': { cookie: `token=${valid}` },
      'token in a query-like header': { 'x-access-token': valid },
    };
    for (const [what, header] of Object.entries(headers)) {
      await expectRejectedEverywhere(url, header, what);
    }
    expect(probe.calls()).toBe(0);
  });
});

describe('remote JWKS: unknown kid, outages, cached keys', () => {
  let jwks: JwksServer;
  afterEach(async () => {
    await jwks?.close();
  });

  async function jwksServerOS(jwksUrl: string, cacheMaxAgeMs = 60_000, cooldownMs = 200) {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({
      agents: probe.agents,
      logger: recordingLogger(),
      auth: {
        jwksUrl,
        algorithms: ['RS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        remoteJwks: { timeoutMs: 300, cooldownMs, cacheMaxAgeMs },
      },
    });
    return { url, probe };
  }

  const run = (url: string, token: string) =>
    fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: bearer(token),
      body: form({ message: 'hi', stream: 'false' }),
    });

  it('answers 401 to an unknown kid, and does not refetch the key set per request', async () => {
    jwks = await startJwksServer([{ ...trusted.jwk, kid: 'k1', alg: 'RS256', use: 'sig' }]);
    // A cooldown far longer than the 20+ requests take, however busy the machine.
    const { url, probe } = await jwksServerOS(jwks.url, 60_000, 60_000);
    expect((await run(url, await sign({ header: { kid: 'k1' } }))).status).toBe(200);
    const before = jwks.requests;
    const unknown = await sign({ key: attacker.privateKey, header: { kid: 'k-unknown' } });
    for (let i = 0; i < 20; i++) {
      expect(await restFailure(await run(url, unknown))).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
    await expectRejectedEverywhere(url, bearer(unknown), 'unknown kid');
    // jose's cooldown: an attacker cannot turn unknown kids into a request flood on the IdP.
    expect(jwks.requests - before).toBeLessThanOrEqual(3);
    expect(probe.calls()).toBe(1);
  });

  it('keeps verifying with cached keys while the JWKS endpoint is down', async () => {
    jwks = await startJwksServer([{ ...trusted.jwk, kid: 'k1', alg: 'RS256' }]);
    const { url, probe } = await jwksServerOS(jwks.url, 100);
    const token = await sign({ header: { kid: 'k1' } });
    expect((await run(url, token)).status).toBe(200);
    for (const mode of ['status500', 'garbage', 'hang'] as const) {
      jwks.setMode(mode);
      await new Promise((resolve) => setTimeout(resolve, 150)); // the cache is now stale
      const response = await run(url, token);
      expect(response.status, `JWKS ${mode}`).toBe(200);
      // A token the cached keys cannot verify is still refused, with a 401 and not a 500.
      expect(
        (await run(url, await sign({ key: attacker.privateKey, header: { kid: 'k1' } }))).status,
      ).toBe(401);
    }
    await jwks.close();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await run(url, token)).status, 'JWKS gone').toBe(200);
    expect(probe.calls()).toBe(5);
  });

  it('answers 401, not 500, when no key was ever fetched and the endpoint is down', async () => {
    const token = await sign({ header: { kid: 'k1' } });
    for (const mode of ['status500', 'garbage', 'hang', 'gone'] as const) {
      jwks = await startJwksServer([{ ...trusted.jwk, kid: 'k1', alg: 'RS256' }]);
      const jwksUrl = mode === 'gone' ? await deadUrl() : jwks.url;
      if (mode !== 'gone') jwks.setMode(mode);
      const { url, probe } = await jwksServerOS(jwksUrl);
      await expectRejectedEverywhere(url, bearer(token), `JWKS ${mode}, nothing cached`);
      expect(probe.calls()).toBe(0);
      await jwks.close();
    }
  });
});

describe('smuggling scopes and identity through client input (HS256, authorization on)', () => {
  let url = '';
  let probe: ReturnType<typeof probeAgents>;
  beforeAll(async () => {
    probe = probeAgents({ db: new InMemoryDb() });
    ({ url } = await startOS({ agents: probe.agents, logger: recordingLogger(), auth: hsAuth }));
  });

  const smuggled = {
    scopes: ['agent_os:admin'],
    scope: 'agent_os:admin agents:run',
    trusted: { scopes: ['agent_os:admin'], claims: { sub: 'root' }, source: 'jwt' },
    sub: 'root',
    userId: 'root',
    user_id: 'root',
    role: 'admin',
    __proto__: { scopes: ['agent_os:admin'] },
  };
  const smuggledHeaders = {
    'x-user-id': 'root',
    'x-scopes': 'agent_os:admin',
    'x-forwarded-user': 'root',
    cookie: 'scopes=agent_os:admin',
  };

  it('leaves ctx.trusted and ctx.userId to the verified token, whatever factory_input, user_id and headers say', async () => {
    const token = await userToken('alice', { scopes: ['agents:run'] });
    const rest = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: { ...bearer(token), ...smuggledHeaders, 'content-type': 'application/json' },
      body: `{"message":"hi","stream":false,"user_id":"root","factory_input":${JSON.stringify(smuggled).replace('{', '{"__proto__":{"scopes":["agent_os:admin"]},')}}`,
    });
    expect(rest.status).toBe(200);
    const trpc = await trpcCall({
      url,
      path: 'agents.raw-agent.run',
      type: 'mutation',
      input: { message: 'hi', userId: 'root', factoryInput: smuggled },
      headers: { ...bearer(token), ...smuggledHeaders },
    });
    expect(trpc.status).toBe(200);
    expect(probe.seen).toHaveLength(2);
    for (const seen of probe.seen) {
      expect(seen.userId).toBe('alice');
      expect(seen.scopes).toEqual(['agents:run']);
      expect(seen.source).toBe('jwt');
      expect(seen.claims).not.toHaveProperty('role');
      expect(seen.claims.sub).toBe('alice');
      // The smuggled object is there, as data only.
      expect((seen.input as Record<string, unknown>).scopes).toEqual(['agent_os:admin']);
    }
    const run = await jsonBody<{ user_id: string }>(rest);
    expect(run.user_id).toBe('alice');
  });

  it('answers 401 to a verified token whose sub no store can keep (too long, NUL), and 200 at the limit', async () => {
    probe.seen.length = 0;
    for (const sub of ['b'.repeat(256), 'c'.repeat(4_000), 'x\u0000y', 'lone \ud800']) {
      await expectRejectedEverywhere(
        url,
        bearer(await userToken(sub)),
        `sub of ${sub.length} chars`,
      );
    }
    expect(probe.calls()).toBe(0);
    const atLimit = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: bearer(await userToken('a'.repeat(255))),
      body: form({ message: 'hi', stream: 'false' }),
    });
    expect(atLimit.status).toBe(200);
    expect(probe.seen.at(-1)?.userId).toBe('a'.repeat(255));
  });

  // Regression (issue #11): a malformed sub joined the shared "no user" tenant, so two numeric
  // subs read each other's sessions. Every shape below is now a 401 before any factory.
  it('answers 401 to a verified token whose sub or scope claims have the wrong shape', async () => {
    probe.seen.length = 0;
    const malformed: Record<string, Record<string, unknown>> = {
      'sub a number': { sub: 42 },
      'sub zero': { sub: 0 },
      'sub empty': { sub: '' },
      'sub an object': { sub: { id: 'alice' } },
      'sub an array': { sub: ['alice'] },
      'sub a boolean': { sub: true },
      'sub null': { sub: null },
      'scope an array': { sub: 'alice', scope: ['agents:run'] },
      'scope a number': { sub: 'alice', scope: 1 },
      'scopes an object': { sub: 'alice', scopes: { 'agents:run': true } },
      'scopes a boolean': { sub: 'alice', scopes: true },
      'scopes holding a number': { sub: 'alice', scopes: ['agents:run', 7] },
    };
    for (const [what, claims] of Object.entries(malformed)) {
      await expectRejectedEverywhere(url, bearer(await signedClaims(claims)), what);
    }
    expect(probe.calls()).toBe(0);
    // Two numeric subs no longer share one tenant: neither reaches the sessions at all.
    for (const sub of [1, 2]) {
      const listed = await fetch(`${url}/sessions`, {
        headers: bearer(await signedClaims({ sub })),
      });
      expect(await restFailure(listed)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('still refuses (403, before any factory) a caller whose token lacks the scope', async () => {
    probe.seen.length = 0;
    const token = await userToken('alice', { scopes: ['sessions:read'] });
    const rest = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: { ...bearer(token), ...smuggledHeaders },
      body: form({
        message: 'hi',
        stream: 'false',
        user_id: 'root',
        factory_input: JSON.stringify(smuggled),
      }),
    });
    expect(await restFailure(rest)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const trpc = await trpcCall({
      url,
      path: 'agents.raw-agent.run',
      type: 'mutation',
      input: { message: 'hi', userId: 'root', factoryInput: smuggled },
      headers: { ...bearer(token), ...smuggledHeaders },
    });
    expect(trpc.status).toBe(403);
    expect(trpc.error?.data.agentmintCode).toBe('FORBIDDEN');
    // Admin-looking claims that are not scopes grant nothing either.
    const claimsOnly = await userToken('alice', {
      scopes: [],
      role: 'admin',
      admin: true,
      is_admin: true,
      groups: ['agent_os:admin'],
    });
    expect((await fetch(`${url}/sessions`, { headers: bearer(claimsOnly) })).status).toBe(403);
    const listed = await trpcCall({
      url,
      path: 'sessions.list',
      type: 'query',
      headers: bearer(claimsOnly),
    });
    expect(listed.status).toBe(403);
    expect(probe.calls()).toBe(0);
  });
});
