import { errors } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/index.ts';
import { expectUnauthenticated } from './expectUnauthenticated.ts';
import { base64url, bearer, handCraftedToken, signToken, testKeyPair } from './keys.ts';

const SECRET = 'rejections-test-secret-0123456789abcdef';
const SECRET_BYTES = new TextEncoder().encode(SECRET);
const GENERIC = 'The bearer token is invalid or expired';
const hs256 = createAuthenticator({ secret: SECRET, algorithms: ['HS256'] });
const signHs256 = (claims: object, options: Partial<Parameters<typeof signToken>[1]> = {}) =>
  signToken({ sub: 'u1', ...claims }, { alg: 'HS256', key: SECRET_BYTES, ...options });

describe('time claims', () => {
  it('rejects an expired token, with jose’s reason kept as the cause', async () => {
    const token = await signHs256({}, { expiresIn: -60 });
    const error = await expectUnauthenticated(hs256.authenticate(bearer(token)));
    expect(error.message).toBe(GENERIC);
    expect(error.cause).toBeInstanceOf(errors.JWTExpired);
  });

  it('accepts a token expired by less than the leeway', async () => {
    const token = await signHs256({}, { expiresIn: -2 });
    await expect(hs256.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
  });

  it('clockToleranceSeconds: 0 removes that leeway', async () => {
    const strict = createAuthenticator({
      secret: SECRET,
      algorithms: ['HS256'],
      clockToleranceSeconds: 0,
    });
    const token = await signHs256({}, { expiresIn: -2 });
    await expectUnauthenticated(strict.authenticate(bearer(token)));
  });

  it('rejects nbf in the future beyond the leeway', async () => {
    const token = await signHs256({}, { notBeforeIn: 60 });
    const error = await expectUnauthenticated(hs256.authenticate(bearer(token)));
    expect(error.cause).toBeInstanceOf(errors.JWTClaimValidationFailed);
  });

  it('accepts nbf within the leeway', async () => {
    const token = await signHs256({}, { notBeforeIn: 2 });
    await expect(hs256.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
  });
});

describe('issuer and audience', () => {
  const strict = createAuthenticator({
    secret: SECRET,
    algorithms: ['HS256'],
    issuer: 'https://idp.example.com/',
    audience: 'agentmint',
  });

  it('accepts the configured issuer and audience', async () => {
    const token = await signHs256(
      {},
      { issuer: 'https://idp.example.com/', audience: 'agentmint' },
    );
    await expect(strict.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
  });

  it('rejects a wrong issuer', async () => {
    const token = await signHs256(
      {},
      { issuer: 'https://evil.example.com/', audience: 'agentmint' },
    );
    await expectUnauthenticated(strict.authenticate(bearer(token)));
  });

  it('rejects a missing issuer', async () => {
    const token = await signHs256({}, { audience: 'agentmint' });
    await expectUnauthenticated(strict.authenticate(bearer(token)));
  });

  it('rejects a wrong audience', async () => {
    const token = await signHs256(
      {},
      { issuer: 'https://idp.example.com/', audience: 'other-api' },
    );
    await expectUnauthenticated(strict.authenticate(bearer(token)));
  });

  it('accepts any audience of a configured list', async () => {
    const either = createAuthenticator({
      secret: SECRET,
      algorithms: ['HS256'],
      audience: ['a', 'b'],
    });
    const token = await signHs256({}, { audience: 'b' });
    await expect(either.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
  });
});

describe('signatures and algorithms', () => {
  const rsa = testKeyPair('RS256');
  const rs256 = createAuthenticator({ publicKey: rsa.publicPem, algorithms: ['RS256'] });

  it('rejects a tampered signature', async () => {
    const token = await signHs256({});
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const error = await expectUnauthenticated(
      hs256.authenticate(bearer(`${header}.${payload}.${flipped}`)),
    );
    expect(error.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('rejects a tampered payload under a valid signature', async () => {
    const token = await signHs256({ scopes: ['agents:read'] });
    const [header, , signature] = token.split('.');
    const forged = base64url(JSON.stringify({ sub: 'u1', scopes: ['agent_os:admin'], exp: 9e9 }));
    await expectUnauthenticated(hs256.authenticate(bearer(`${header}.${forged}.${signature}`)));
  });

  it('rejects a stripped signature', async () => {
    const token = await signHs256({});
    const stripped = token.slice(0, token.lastIndexOf('.') + 1);
    await expectUnauthenticated(hs256.authenticate(bearer(stripped)));
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('rejects a hand-crafted alg: %s token', async (alg) => {
    const token = handCraftedToken(
      { alg, typ: 'JWT' },
      { sub: 'attacker', scopes: ['agent_os:admin'], exp: Math.floor(Date.now() / 1000) + 300 },
    );
    await expectUnauthenticated(hs256.authenticate(bearer(token)));
    await expectUnauthenticated(rs256.authenticate(bearer(token)));
  });

  it('rejects alg: none even with a signature segment attached', async () => {
    const valid = await signHs256({});
    const token = handCraftedToken(
      { alg: 'none' },
      { sub: 'attacker', exp: Math.floor(Date.now() / 1000) + 300 },
      valid.split('.')[2],
    );
    await expectUnauthenticated(hs256.authenticate(bearer(token)));
  });

  it('rejects HS256 signed with the RS256 public key PEM as the HMAC secret (algorithm confusion)', async () => {
    const token = await signToken(
      { sub: 'attacker', scopes: ['agent_os:admin'] },
      { alg: 'HS256', key: new TextEncoder().encode(rsa.publicPem) },
    );
    const error = await expectUnauthenticated(rs256.authenticate(bearer(token)));
    expect(error.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
  });

  it('with HS256 and RS256 both allowed, the public key still never acts as an HMAC secret', async () => {
    const mixed = createAuthenticator({
      secret: SECRET,
      publicKey: rsa.publicPem,
      algorithms: ['HS256', 'RS256'],
    });
    const forged = await signToken(
      { sub: 'attacker' },
      { alg: 'HS256', key: new TextEncoder().encode(rsa.publicPem) },
    );
    await expectUnauthenticated(mixed.authenticate(bearer(forged)));
    const honest = await signToken({ sub: 'u1' }, { alg: 'RS256', key: rsa.privateKey });
    await expect(mixed.authenticate(bearer(honest))).resolves.toMatchObject({ userId: 'u1' });
  });

  it('rejects an algorithm outside the allow-list even when the key would verify it', async () => {
    const hs512 = await signToken({ sub: 'u1' }, { alg: 'HS512', key: SECRET_BYTES });
    const error = await expectUnauthenticated(hs256.authenticate(bearer(hs512)));
    expect(error.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
    const ps256 = await signToken({ sub: 'u1' }, { alg: 'PS256', key: rsa.privateKey });
    await expectUnauthenticated(rs256.authenticate(bearer(ps256)));
  });
});

describe('token transport and shape', () => {
  it('rejects a missing Authorization header, saying what to send', async () => {
    const error = await expectUnauthenticated(hs256.authenticate(new Headers()));
    expect(error.message).toMatch(/Authorization: Bearer/);
  });

  it.each([
    ['Basic', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['Token', 'Token abc.def.ghi'],
    ['bare token', 'abc.def.ghi'],
    ['empty Bearer', 'Bearer '],
    ['two tokens', 'Bearer a.b.c d.e.f'],
  ])('rejects a wrong scheme or malformed header: %s', async (_name, value) => {
    await expectUnauthenticated(hs256.authenticate(new Headers({ authorization: value })));
  });

  it('accepts the scheme in any case', async () => {
    const token = await signHs256({});
    const headers = new Headers({ authorization: `bearer ${token}` });
    await expect(hs256.authenticate(headers)).resolves.toMatchObject({ userId: 'u1' });
  });

  it.each([
    ['not a JWT', 'garbage'],
    ['two segments', 'abc.def'],
    ['five segments (JWE)', 'a.b.c.d.e'],
    ['non-JSON header', 'bm90IGpzb24.e30.c2ln'],
    ['JSON array header', `${base64url('[1]')}.${base64url('{}')}.c2ln`],
    ['non-ASCII', 'ä.ö.ü'],
  ])('rejects a garbage token: %s', async (_name, token) => {
    const error = await expectUnauthenticated(hs256.authenticate(bearer(token)));
    expect(error.message).toBe(GENERIC);
  });

  it('rejects an oversized token before parsing, though its signature is valid', async () => {
    const token = await signHs256({ padding: 'x'.repeat(9000) });
    const error = await expectUnauthenticated(hs256.authenticate(bearer(token)));
    expect(String((error.cause as Error).message)).toMatch(/maxTokenBytes/);
    const roomy = createAuthenticator({
      secret: SECRET,
      algorithms: ['HS256'],
      maxTokenBytes: 64 * 1024,
    });
    await expect(roomy.authenticate(bearer(token))).resolves.toMatchObject({ userId: 'u1' });
  });

  it('never echoes the token or jose internals to the client', async () => {
    const token = await signHs256({}, { expiresIn: -60 });
    const error = await expectUnauthenticated(hs256.authenticate(bearer(token)));
    expect(error.message).toBe(GENERIC);
    expect(error.publicMessage).toBe(GENERIC);
    expect(error.message).not.toContain(token.split('.')[1]);
  });

  describe('cookie', () => {
    const withCookie = createAuthenticator({
      secret: SECRET,
      algorithms: ['HS256'],
      cookieName: 'agentmint_token',
    });

    it('reads the token from the configured cookie when there is no Authorization header', async () => {
      const token = await signHs256({});
      const headers = new Headers({ cookie: `theme=dark; agentmint_token=${token}; lang=en` });
      await expect(withCookie.authenticate(headers)).resolves.toMatchObject({ userId: 'u1' });
    });

    it('accepts a quoted cookie value', async () => {
      const token = await signHs256({});
      const headers = new Headers({ cookie: `agentmint_token="${token}"` });
      await expect(withCookie.authenticate(headers)).resolves.toMatchObject({ userId: 'u1' });
    });

    it('still verifies the cookie token', async () => {
      const token = await signHs256({}, { expiresIn: -60 });
      const headers = new Headers({ cookie: `agentmint_token=${token}` });
      await expectUnauthenticated(withCookie.authenticate(headers));
    });

    it('ignores cookies of other names and cookies when none is configured', async () => {
      const token = await signHs256({});
      await expectUnauthenticated(
        withCookie.authenticate(new Headers({ cookie: `other_token=${token}` })),
      );
      await expectUnauthenticated(
        hs256.authenticate(new Headers({ cookie: `agentmint_token=${token}` })),
      );
    });

    it('an Authorization header wins over the cookie, even a bad one', async () => {
      const token = await signHs256({});
      const headers = new Headers({
        authorization: 'Basic Zm9vOmJhcg==',
        cookie: `agentmint_token=${token}`,
      });
      await expectUnauthenticated(withCookie.authenticate(headers));
    });
  });
});
