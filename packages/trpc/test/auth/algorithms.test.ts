import { createPrivateKey } from 'node:crypto';
import { UnauthenticatedError } from '@agentmint/core';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/index.ts';
import { TEST_CERTIFICATE_KEY_PEM, TEST_CERTIFICATE_PEM } from './fixtures/testCertificate.ts';
import { bearer, signToken, testKeyPair } from './keys.ts';

const SECRET = 'a-test-secret-that-is-at-least-64-bytes-long-for-hs512-0123456789';

describe('verifies every supported key source', () => {
  it.each(['HS256', 'HS384', 'HS512'] as const)('%s with a shared secret', async (alg) => {
    const auth = createAuthenticator({ secret: SECRET, algorithms: [alg] });
    const token = await signToken({ sub: 'u1' }, { alg, key: new TextEncoder().encode(SECRET) });
    const identity = await auth.authenticate(bearer(token));
    expect(identity.userId).toBe('u1');
    expect(identity.trusted.source).toBe('jwt');
    expect(identity.trusted.claims.sub).toBe('u1');
  });

  it('HS256 with a Uint8Array secret', async () => {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const auth = createAuthenticator({ secret, algorithms: ['HS256'] });
    const token = await signToken({ sub: 'u1' }, { alg: 'HS256', key: secret });
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
  });

  it('rejects an HS256 token signed with a different secret', async () => {
    const auth = createAuthenticator({ secret: SECRET, algorithms: ['HS256'] });
    const token = await signToken(
      { sub: 'u1' },
      { alg: 'HS256', key: new TextEncoder().encode(`${SECRET}x`) },
    );
    await expect(auth.authenticate(bearer(token))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    '%s with a PEM public key',
    async (alg) => {
      const pair = testKeyPair(alg);
      const auth = createAuthenticator({ publicKey: pair.publicPem, algorithms: [alg] });
      const token = await signToken({ sub: `user-${alg}` }, { alg, key: pair.privateKey });
      await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({
        userId: `user-${alg}`,
      });
    },
  );

  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    '%s rejects a token signed by another key of the same type',
    async (alg) => {
      const auth = createAuthenticator({
        publicKey: testKeyPair(alg).publicPem,
        algorithms: [alg],
      });
      const token = await signToken({ sub: 'u1' }, { alg, key: testKeyPair(alg).privateKey });
      await expect(auth.authenticate(bearer(token))).rejects.toBeInstanceOf(UnauthenticatedError);
    },
  );

  it('accepts Ed25519 as the algorithm name too', async () => {
    const pair = testKeyPair('EdDSA');
    const auth = createAuthenticator({ publicKey: pair.publicPem, algorithms: ['Ed25519'] });
    const token = await signToken({ sub: 'u1' }, { alg: 'Ed25519', key: pair.privateKey });
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
  });

  it('RS256 with an X.509 certificate', async () => {
    const auth = createAuthenticator({ publicKey: TEST_CERTIFICATE_PEM, algorithms: ['RS256'] });
    const key = createPrivateKey(TEST_CERTIFICATE_KEY_PEM);
    const token = await signToken({ sub: 'cert-user' }, { alg: 'RS256', key });
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'cert-user' });
  });

  it('one RSA public key serves RS256 and PS256 when both are allowed', async () => {
    const pair = testKeyPair('RS256');
    const auth = createAuthenticator({ publicKey: pair.publicPem, algorithms: ['RS256', 'PS256'] });
    for (const alg of ['RS256', 'PS256']) {
      const token = await signToken({ sub: alg }, { alg, key: pair.privateKey });
      await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ userId: alg });
    }
  });

  it('a secret and a public key together: each verifies only its own family', async () => {
    const pair = testKeyPair('ES256');
    const auth = createAuthenticator({
      secret: SECRET,
      publicKey: pair.publicPem,
      algorithms: ['HS256', 'ES256'],
    });
    const hs = await signToken(
      { sub: 'hs' },
      { alg: 'HS256', key: new TextEncoder().encode(SECRET) },
    );
    const es = await signToken({ sub: 'es' }, { alg: 'ES256', key: pair.privateKey });
    await expect(auth.authenticate(bearer(hs))).resolves.toMatchObject({ userId: 'hs' });
    await expect(auth.authenticate(bearer(es))).resolves.toMatchObject({ userId: 'es' });
  });

  describe('local JWKS', () => {
    const first = testKeyPair('RS256');
    const second = testKeyPair('ES256');
    const auth = createAuthenticator({
      jwks: { keys: [first.publicJwk('key-1'), second.publicJwk('key-2')] },
      algorithms: ['RS256', 'ES256'],
    });

    it('picks each key by kid', async () => {
      const t1 = await signToken(
        { sub: 'one' },
        { alg: 'RS256', key: first.privateKey, kid: 'key-1' },
      );
      const t2 = await signToken(
        { sub: 'two' },
        { alg: 'ES256', key: second.privateKey, kid: 'key-2' },
      );
      await expect(auth.authenticate(bearer(t1))).resolves.toMatchObject({ userId: 'one' });
      await expect(auth.authenticate(bearer(t2))).resolves.toMatchObject({ userId: 'two' });
    });

    it('two RSA keys in one set: the kid decides, a wrong kid fails', async () => {
      const other = testKeyPair('RS256');
      const twoRsa = createAuthenticator({
        jwks: { keys: [first.publicJwk('a'), other.publicJwk('b')] },
        algorithms: ['RS256'],
      });
      const good = await signToken({ sub: 'b' }, { alg: 'RS256', key: other.privateKey, kid: 'b' });
      const swapped = await signToken(
        { sub: 'b' },
        { alg: 'RS256', key: other.privateKey, kid: 'a' },
      );
      await expect(twoRsa.authenticate(bearer(good))).resolves.toMatchObject({ userId: 'b' });
      await expect(twoRsa.authenticate(bearer(swapped))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    });

    it('rejects an unknown kid', async () => {
      const token = await signToken(
        { sub: 'x' },
        { alg: 'RS256', key: first.privateKey, kid: 'key-9' },
      );
      await expect(auth.authenticate(bearer(token))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        httpStatus: 401,
      });
    });

    it('is not affected by later changes to the caller’s key set object', async () => {
      const keys = [first.publicJwk('k')];
      const pinned = createAuthenticator({ jwks: { keys }, algorithms: ['RS256'] });
      keys[0] = testKeyPair('RS256').publicJwk('k');
      const token = await signToken(
        { sub: 'p' },
        { alg: 'RS256', key: first.privateKey, kid: 'k' },
      );
      await expect(pinned.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'p' });
    });
  });

  it('verifyToken checks a raw token the same way', async () => {
    const auth = createAuthenticator({ secret: SECRET, algorithms: ['HS256'] });
    const token = await signToken(
      { sub: 'raw' },
      { alg: 'HS256', key: new TextEncoder().encode(SECRET) },
    );
    await expect(auth.verifyToken(token)).resolves.toMatchObject({ userId: 'raw' });
    await expect(auth.verifyToken(`${token}x`)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(auth.verifyToken('x'.repeat(9000))).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
