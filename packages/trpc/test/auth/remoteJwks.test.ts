import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type AuthOptions, createAuthenticator } from '../../src/auth/index.ts';
import { expectUnauthenticated } from './expectUnauthenticated.ts';
import { startJwksServer, unusedJwksUrl } from './jwksServer.ts';
import { bearer, signToken, testKeyPair } from './keys.ts';

const oldKey = testKeyPair('RS256');
const newKey = testKeyPair('ES256');
const algorithms = ['RS256', 'ES256'];

function remote(jwksUrl: string, remoteJwks: AuthOptions['remoteJwks'] = {}) {
  return createAuthenticator({ jwksUrl, algorithms, remoteJwks });
}
const oldToken = (sub = 'u1') =>
  signToken({ sub }, { alg: 'RS256', key: oldKey.privateKey, kid: 'old' });
const newToken = (sub = 'u1') =>
  signToken({ sub }, { alg: 'ES256', key: newKey.privateKey, kid: 'new' });

describe('remote JWKS (jwksUrl)', () => {
  it('fetches the key set once and reuses it across many verifications', async () => {
    await using server = await startJwksServer([oldKey.publicJwk('old')]);
    const auth = remote(server.url);
    for (let i = 0; i < 25; i += 1) {
      await expect(auth.authenticate(bearer(await oldToken(`u${i}`)))).resolves.toMatchObject({
        userId: `u${i}`,
      });
    }
    expect(server.requests).toBe(1);
  });

  it('concurrent first requests share one fetch', async () => {
    await using server = await startJwksServer([oldKey.publicJwk('old')]);
    const auth = remote(server.url);
    const token = await oldToken();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => auth.authenticate(bearer(token))),
    );
    expect(results.every((identity) => identity.userId === 'u1')).toBe(true);
    expect(server.requests).toBe(1);
  });

  it('follows key rotation: an unknown kid triggers one refetch, then the new key verifies', async () => {
    await using server = await startJwksServer([oldKey.publicJwk('old')]);
    const auth = remote(server.url, { cooldownMs: 0 });
    await expect(auth.authenticate(bearer(await oldToken()))).resolves.toBeDefined();
    server.setKeys([newKey.publicJwk('new')]);
    await expect(auth.authenticate(bearer(await newToken('rotated')))).resolves.toMatchObject({
      userId: 'rotated',
    });
    expect(server.requests).toBe(2);
    // The retired key is gone from the refetched set.
    await expectUnauthenticated(auth.authenticate(bearer(await oldToken())));
  });

  it('within the cooldown an unknown kid is refused without refetching; after it, rotation works', async () => {
    await using server = await startJwksServer([oldKey.publicJwk('old')]);
    // Cooldowns far longer than the loop takes on a busy machine: the counts test the rule, not speed.
    const auth = remote(server.url, { cooldownMs: 3_000 });
    await auth.authenticate(bearer(await oldToken()));
    server.setKeys([newKey.publicJwk('new')]);
    const token = await newToken();
    for (let i = 0; i < 10; i += 1) await expectUnauthenticated(auth.authenticate(bearer(token)));
    expect(server.requests).toBe(1);
    await sleep(3_100);
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
    expect(server.requests).toBe(2);
  });

  it('a flood of unknown kids costs at most one refetch per cooldown', async () => {
    await using server = await startJwksServer([oldKey.publicJwk('old')]);
    const auth = remote(server.url);
    await auth.authenticate(bearer(await oldToken()));
    await sleep(5);
    const bogus = await signToken(
      { sub: 'x' },
      { alg: 'RS256', key: oldKey.privateKey, kid: 'bogus' },
    );
    for (let i = 0; i < 20; i += 1) await expectUnauthenticated(auth.authenticate(bearer(bogus)));
    expect(server.requests).toBe(1);
  });

  it('keeps verifying with the cached keys when the endpoint goes down', async () => {
    const server = await startJwksServer([oldKey.publicJwk('old')]);
    const auth = remote(server.url);
    await auth.authenticate(bearer(await oldToken()));
    await server.close();
    await expect(auth.authenticate(bearer(await oldToken('after')))).resolves.toMatchObject({
      userId: 'after',
    });
  });

  it('keeps verifying with the last good keys after the cache aged out and the refresh failed', async () => {
    const server = await startJwksServer([oldKey.publicJwk('old')]);
    const auth = remote(server.url, { cacheMaxAgeMs: 20, cooldownMs: 1_000 });
    await auth.authenticate(bearer(await oldToken()));
    await server.close();
    await sleep(40);
    for (let i = 0; i < 5; i += 1) {
      await expect(auth.authenticate(bearer(await oldToken(`s${i}`)))).resolves.toMatchObject({
        userId: `s${i}`,
      });
    }
    // Still signatures are checked against those keys.
    await expectUnauthenticated(auth.authenticate(bearer(await newToken())));
  });

  it('while the endpoint fails, retries at most once per cooldown and serves the last good keys', async () => {
    await using server = await startJwksServer([oldKey.publicJwk('old')]);
    const auth = remote(server.url, { cacheMaxAgeMs: 20, cooldownMs: 3_000 });
    await auth.authenticate(bearer(await oldToken()));
    server.setFailing(true);
    await sleep(40);
    for (let i = 0; i < 10; i += 1) {
      await expect(auth.authenticate(bearer(await oldToken()))).resolves.toBeDefined();
    }
    expect(server.requests).toBe(2);
    await sleep(3_100);
    server.setFailing(false);
    server.setKeys([newKey.publicJwk('new')]);
    await expect(auth.authenticate(bearer(await newToken('back')))).resolves.toMatchObject({
      userId: 'back',
    });
    expect(server.requests).toBe(3);
  });

  it('answers 401, not a crash, when the endpoint is down from the start', async () => {
    const auth = remote(await unusedJwksUrl(), { cooldownMs: 0 });
    const error = await expectUnauthenticated(auth.authenticate(bearer(await oldToken())));
    expect(error.message).toBe('The bearer token is invalid or expired');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('answers 401 when the endpoint serves an error or junk', async () => {
    await using server = await startJwksServer([oldKey.publicJwk('old')]);
    const wrongPath = remote(server.url.replace('jwks.json', 'missing.json'));
    await expectUnauthenticated(wrongPath.authenticate(bearer(await oldToken())));
  });

  it('recovers once the endpoint comes back, without retrying within the cooldown', async () => {
    const url = await unusedJwksUrl();
    const auth = remote(url, { cooldownMs: 200 });
    await expectUnauthenticated(auth.authenticate(bearer(await oldToken())));
    const { port } = new URL(url);
    await using server = await startJwksServer([oldKey.publicJwk('old')], Number(port));
    await expectUnauthenticated(auth.authenticate(bearer(await oldToken())));
    expect(server.requests).toBe(0);
    await sleep(250);
    await expect(auth.authenticate(bearer(await oldToken()))).resolves.toMatchObject({
      userId: 'u1',
    });
    expect(server.requests).toBe(1);
  });
});
