import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AuthOptions, createAuthenticator } from '../../src/auth/index.ts';
import { TEST_CERTIFICATE_KEY_PEM } from './fixtures/testCertificate.ts';
import { testKeyPair } from './keys.ts';

const rsa = testKeyPair('RS256');
const ec = testKeyPair('ES256');

function rejects(options: AuthOptions, message: RegExp): void {
  expect(() => createAuthenticator(options)).toThrow(TypeError);
  expect(() => createAuthenticator(options)).toThrow(message);
}

describe('AuthOptions validation at construction', () => {
  it('applies the documented defaults and keeps key material out of `options`', () => {
    const { options } = createAuthenticator({
      secret: 's3cret-value',
      algorithms: ['HS256', 'HS256'],
    });
    expect(options).toEqual({
      algorithms: ['HS256'],
      keySources: ['secret'],
      jwksUrl: undefined,
      issuer: undefined,
      audience: undefined,
      authorization: true,
      userIsolation: true,
      adminScope: 'agent_os:admin',
      cookieName: undefined,
      clockToleranceSeconds: 5,
      maxTokenBytes: 8192,
      remoteJwks: { timeoutMs: 5000, cooldownMs: 30000, cacheMaxAgeMs: 600000 },
    });
    expect(JSON.stringify(options)).not.toContain('s3cret-value');
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('requires a key source', () => {
    rejects({ algorithms: ['HS256'] }, /needs a key/);
  });

  it('requires a non-empty algorithm allow-list', () => {
    rejects({ secret: 'x', algorithms: [] }, /non-empty allow-list/);
    rejects({ secret: 'x' } as unknown as AuthOptions, /non-empty allow-list/);
  });

  it.each(['none', 'NONE', 'None'])("rejects '%s' in the allow-list", (alg) => {
    rejects({ secret: 'x', algorithms: ['HS256', alg] }, /must not contain 'none'/);
  });

  it('rejects unknown algorithms, naming the supported ones', () => {
    rejects(
      { secret: 'x', algorithms: ['HS257'] },
      /'HS257' is not a supported JWS algorithm.*HS256/,
    );
    rejects({ secret: 'x', algorithms: ['hs256'] }, /'hs256' is not a supported/);
  });

  it('rejects an empty or PEM-shaped secret (algorithm confusion by configuration)', () => {
    rejects({ secret: '', algorithms: ['HS256'] }, /must not be empty/);
    rejects({ secret: new Uint8Array(), algorithms: ['HS256'] }, /must not be empty/);
    rejects({ secret: rsa.publicPem, algorithms: ['HS256'] }, /looks like a PEM key/);
  });

  it('binds HS* to the secret and asymmetric algorithms to a public key source', () => {
    rejects(
      { publicKey: rsa.publicPem, algorithms: ['RS256', 'HS256'] },
      /HS256 but no auth.secret/,
    );
    rejects({ secret: 'x', algorithms: ['RS256'] }, /RS256 but no publicKey, jwks or jwksUrl/);
    rejects({ secret: 'x', algorithms: ['HS256', 'RS256'] }, /no publicKey, jwks or jwksUrl/);
    rejects({ secret: 'x', publicKey: rsa.publicPem, algorithms: ['HS256'] }, /allows only HMAC/);
    rejects({ secret: 'x', publicKey: rsa.publicPem, algorithms: ['RS256'] }, /allows no HS256/);
  });

  it('rejects algorithms the public key cannot verify', () => {
    rejects({ publicKey: rsa.publicPem, algorithms: ['ES256'] }, /ES256.*rsa public key/);
    rejects({ publicKey: ec.publicPem, algorithms: ['ES256', 'ES384'] }, /ES384.*ec P-256/);
    rejects({ publicKey: ec.publicPem, algorithms: ['RS256'] }, /RS256/);
  });

  it('rejects bad public keys with a clear message', () => {
    rejects({ publicKey: 'not a pem', algorithms: ['RS256'] }, /must be a PEM public key/);
    rejects(
      {
        publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
        algorithms: ['RS256'],
      },
      /could not be parsed/,
    );
    rejects({ publicKey: TEST_CERTIFICATE_KEY_PEM, algorithms: ['RS256'] }, /is a private key/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    rejects(
      {
        publicKey: small.export({ type: 'spki', format: 'pem' }).toString(),
        algorithms: ['RS256'],
      },
      /shorter than 2048 bits/,
    );
    const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    rejects(
      { publicKey: k256.export({ type: 'spki', format: 'pem' }).toString(), algorithms: ['ES256'] },
      /secp256k1/,
    );
  });

  it('allows one asymmetric key source only', () => {
    rejects(
      { publicKey: rsa.publicPem, jwks: { keys: [rsa.publicJwk()] }, algorithms: ['RS256'] },
      /not several \(got publicKey, jwks\)/,
    );
  });

  it('rejects malformed or private key sets', () => {
    rejects({ jwks: { keys: [] }, algorithms: ['RS256'] }, /at least one key/);
    rejects({ jwks: { keys: [{} as never] }, algorithms: ['RS256'] }, /needs a "kty"/);
    const privateJwk = rsa.privateKey.export({ format: 'jwk' });
    rejects({ jwks: { keys: [privateJwk] }, algorithms: ['RS256'] }, /public keys only/);
    rejects(
      { jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, algorithms: ['RS256'] },
      /public keys only/,
    );
  });

  it('requires https for jwksUrl except on loopback', () => {
    rejects({ jwksUrl: 'not a url', algorithms: ['RS256'] }, /absolute URL/);
    rejects({ jwksUrl: 'http://idp.example.com/jwks', algorithms: ['RS256'] }, /must use https/);
    rejects({ jwksUrl: 'ftp://localhost/jwks', algorithms: ['RS256'] }, /must use https/);
    for (const jwksUrl of [
      'https://idp.example.com/jwks',
      'http://localhost:8080/jwks',
      'http://127.0.0.1:1/jwks',
      'http://[::1]:1/jwks',
    ]) {
      expect(createAuthenticator({ jwksUrl, algorithms: ['RS256'] }).options.jwksUrl).toBe(
        new URL(jwksUrl).href,
      );
    }
  });

  it('validates the remaining options', () => {
    const base = { secret: 'x', algorithms: ['HS256'] };
    rejects({ ...base, issuer: '' }, /issuer must be a non-empty/);
    rejects({ ...base, audience: [] }, /audience must be a non-empty/);
    rejects(
      { ...base, authorization: 'yes' as unknown as boolean },
      /authorization must be a boolean/,
    );
    rejects({ ...base, adminScope: 'has space' }, /adminScope/);
    rejects({ ...base, cookieName: 'bad;name' }, /cookieName/);
    rejects({ ...base, clockToleranceSeconds: -1 }, /clockToleranceSeconds/);
    rejects({ ...base, clockToleranceSeconds: Number.NaN }, /clockToleranceSeconds/);
    rejects({ ...base, maxTokenBytes: 0 }, /maxTokenBytes/);
    rejects({ ...base, maxTokenBytes: 1.5 }, /maxTokenBytes/);
    rejects({ ...base, remoteJwks: { cooldownMs: 5 } }, /only applies together with auth.jwksUrl/);
    rejects(
      {
        jwksUrl: 'https://idp.example.com/jwks',
        algorithms: ['RS256'],
        remoteJwks: { timeoutMs: -1 },
      },
      /remoteJwks.timeoutMs/,
    );
  });

  it('accepts explicit settings', () => {
    const { options } = createAuthenticator({
      secret: 'x',
      algorithms: ['HS512'],
      issuer: ['https://a/', 'https://b/'],
      audience: 'api',
      authorization: false,
      userIsolation: false,
      adminScope: 'root',
      cookieName: 'am_token',
      clockToleranceSeconds: 0,
      maxTokenBytes: 1024,
    });
    expect(options).toMatchObject({
      issuer: ['https://a/', 'https://b/'],
      audience: 'api',
      authorization: false,
      userIsolation: false,
      adminScope: 'root',
      cookieName: 'am_token',
      clockToleranceSeconds: 0,
      maxTokenBytes: 1024,
    });
    expect(createAuthenticator({ secret: 'x', algorithms: ['HS256'] }).policy).toMatchObject({
      authorization: true,
      userIsolation: true,
      adminScope: 'agent_os:admin',
    });
  });
});
