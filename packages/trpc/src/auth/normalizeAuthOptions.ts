import type { JSONWebKeySet, JWK } from 'jose';
import {
  AUTH_DEFAULTS,
  type AuthOptions,
  type KeySourceKind,
  type NormalizedAuthOptions,
  type RemoteJwksOptions,
  type ResolvedRemoteJwksOptions,
} from './authOptions.ts';
import {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  isAsymmetricAlgorithm,
  isHmacAlgorithm,
  isJwsAlgorithm,
  type JwsAlgorithm,
} from './jwsAlgorithms.ts';
import { type PemPublicKey, parsePemPublicKey } from './pemPublicKey.ts';

/** The verification keys, kept apart from `NormalizedAuthOptions` so they never get logged. */
export interface KeyMaterial {
  readonly secret: Uint8Array<ArrayBuffer> | undefined;
  readonly publicKey: PemPublicKey | undefined;
  readonly jwks: JSONWebKeySet | undefined;
  readonly jwksUrl: URL | undefined;
}

export interface ValidatedAuthOptions {
  readonly options: NormalizedAuthOptions;
  readonly keys: KeyMaterial;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'priv'] as const;
// RFC 6265 cookie-name is an RFC 7230 token.
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks `AuthOptions` once at start-up; every mistake is a TypeError that says what to change. */
export function normalizeAuthOptions(input: AuthOptions): ValidatedAuthOptions {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('auth options must be an object');
  }
  const algorithms = readAlgorithms(input.algorithms);
  const keys: KeyMaterial = Object.freeze({
    secret: input.secret === undefined ? undefined : readSecret(input.secret),
    publicKey: input.publicKey === undefined ? undefined : readPublicKey(input.publicKey),
    jwks: input.jwks === undefined ? undefined : readJwks(input.jwks),
    jwksUrl: input.jwksUrl === undefined ? undefined : readJwksUrl(input.jwksUrl),
  });
  const keySources = checkKeySources(keys, algorithms);
  const options: NormalizedAuthOptions = Object.freeze({
    algorithms,
    keySources,
    jwksUrl: keys.jwksUrl?.href,
    issuer: readClaimMatch('issuer', input.issuer),
    audience: readClaimMatch('audience', input.audience),
    authorization: readBoolean('authorization', input.authorization, AUTH_DEFAULTS.authorization),
    userIsolation: readBoolean('userIsolation', input.userIsolation, AUTH_DEFAULTS.userIsolation),
    adminScope: readAdminScope(input.adminScope),
    cookieName: readCookieName(input.cookieName),
    clockToleranceSeconds: readNumber(
      'clockToleranceSeconds',
      input.clockToleranceSeconds,
      AUTH_DEFAULTS.clockToleranceSeconds,
      { integer: false, min: 0 },
    ),
    maxTokenBytes: readNumber('maxTokenBytes', input.maxTokenBytes, AUTH_DEFAULTS.maxTokenBytes, {
      integer: true,
      min: 1,
    }),
    remoteJwks: readRemoteJwks(input.remoteJwks, keys.jwksUrl !== undefined),
  });
  return Object.freeze({ options, keys });
}

function readAlgorithms(value: unknown): readonly JwsAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(
      `auth.algorithms must be a non-empty allow-list, e.g. ['RS256'] or ['HS256'] (supported: ${[...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS].join(', ')})`,
    );
  }
  const algorithms = new Set<JwsAlgorithm>();
  for (const alg of value) {
    if (typeof alg !== 'string') throw new TypeError('auth.algorithms must hold strings');
    if (alg.toLowerCase() === 'none') {
      throw new TypeError(
        "auth.algorithms must not contain 'none': unsigned tokens are never accepted",
      );
    }
    if (!isJwsAlgorithm(alg)) {
      throw new TypeError(
        `auth.algorithms: '${alg}' is not a supported JWS algorithm (supported: ${[...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS].join(', ')})`,
      );
    }
    algorithms.add(alg);
  }
  return Object.freeze([...algorithms]);
}

function readSecret(value: unknown): Uint8Array<ArrayBuffer> {
  if (typeof value === 'string') {
    if (value.length === 0) throw new TypeError('auth.secret must not be empty');
    // A PEM here means a public key is about to be used as an HMAC secret: algorithm confusion.
    if (value.includes('-----BEGIN ')) {
      throw new TypeError(
        'auth.secret looks like a PEM key; configure it as auth.publicKey instead',
      );
    }
    return new TextEncoder().encode(value);
  }
  if (value instanceof Uint8Array) {
    if (value.byteLength === 0) throw new TypeError('auth.secret must not be empty');
    return value.slice();
  }
  throw new TypeError('auth.secret must be a string or a Uint8Array');
}

function readPublicKey(value: unknown): PemPublicKey {
  if (typeof value !== 'string') throw new TypeError('auth.publicKey must be a PEM string');
  return parsePemPublicKey(value);
}

function readJwks(value: unknown): JSONWebKeySet {
  const keys: unknown =
    typeof value === 'object' && value !== null ? Reflect.get(value, 'keys') : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError(
      'auth.jwks must be a JSON Web Key Set with at least one key: { keys: [...] }',
    );
  }
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || typeof Reflect.get(key, 'kty') !== 'string') {
      throw new TypeError(`auth.jwks.keys[${index}] is not a JWK (it needs a "kty")`);
    }
    if (PRIVATE_JWK_MEMBERS.some((member) => Reflect.has(key, member))) {
      throw new TypeError(
        `auth.jwks.keys[${index}] holds private or symmetric key material; a key set holds public keys only`,
      );
    }
  }
  // A private copy, so later changes by the caller cannot swap keys under a running server.
  return structuredClone({ keys: keys as JWK[] });
}

function readJwksUrl(value: unknown): URL {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new TypeError(
      'auth.jwksUrl must be an absolute URL, e.g. https://idp.example.com/.well-known/jwks.json',
    );
  }
  const url = new URL(value);
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  // Keys fetched over plain http could be swapped by anyone on the path.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError('auth.jwksUrl must use https (plain http is allowed only on localhost)');
  }
  return url;
}

function checkKeySources(
  keys: KeyMaterial,
  algorithms: readonly JwsAlgorithm[],
): readonly KeySourceKind[] {
  const asymmetricSources = (['publicKey', 'jwks', 'jwksUrl'] as const).filter(
    (kind) => keys[kind] !== undefined,
  );
  if (keys.secret === undefined && asymmetricSources.length === 0) {
    throw new TypeError('auth needs a key: set secret, publicKey, jwks or jwksUrl');
  }
  if (asymmetricSources.length > 1) {
    throw new TypeError(
      `auth: configure one of publicKey, jwks or jwksUrl, not several (got ${asymmetricSources.join(', ')})`,
    );
  }
  const hmac = algorithms.filter(isHmacAlgorithm);
  const asymmetric = algorithms.filter(isAsymmetricAlgorithm);
  if (hmac.length > 0 && keys.secret === undefined) {
    throw new TypeError(
      `auth.algorithms allows ${hmac.join(', ')} but no auth.secret is configured`,
    );
  }
  const asymmetricSource = asymmetricSources[0];
  if (asymmetric.length > 0 && asymmetricSource === undefined) {
    throw new TypeError(
      `auth.algorithms allows ${asymmetric.join(', ')} but no publicKey, jwks or jwksUrl is configured`,
    );
  }
  if (keys.secret !== undefined && hmac.length === 0) {
    throw new TypeError('auth.secret is set but auth.algorithms allows no HS256/HS384/HS512');
  }
  if (asymmetricSource !== undefined && asymmetric.length === 0) {
    throw new TypeError(
      `auth.${asymmetricSource} is set but auth.algorithms allows only HMAC algorithms; list the key's algorithm, e.g. 'RS256'`,
    );
  }
  if (keys.publicKey !== undefined) {
    const unusable = asymmetric.filter((alg) => !keys.publicKey?.algorithms.has(alg));
    if (unusable.length > 0) {
      throw new TypeError(
        `auth.algorithms allows ${unusable.join(', ')}, which the configured ${keys.publicKey.description} public key cannot verify (it can: ${[...keys.publicKey.algorithms].join(', ')})`,
      );
    }
  }
  const kinds: KeySourceKind[] = keys.secret === undefined ? [] : ['secret'];
  return Object.freeze(asymmetricSource === undefined ? kinds : [...kinds, asymmetricSource]);
}

function readClaimMatch(
  name: 'issuer' | 'audience',
  value: unknown,
): string | readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && item.length > 0)
  ) {
    return Object.freeze([...(value as string[])]);
  }
  throw new TypeError(`auth.${name} must be a non-empty string or a non-empty array of them`);
}

function readBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`auth.${name} must be a boolean`);
  return value;
}

function readAdminScope(value: unknown): string {
  if (value === undefined) return AUTH_DEFAULTS.adminScope;
  if (typeof value !== 'string' || !/^\S+$/.test(value)) {
    throw new TypeError('auth.adminScope must be a non-empty scope without spaces');
  }
  return value;
}

function readCookieName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !COOKIE_NAME.test(value)) {
    throw new TypeError('auth.cookieName must be a valid cookie name, e.g. "agentmint_token"');
  }
  return value;
}

function readNumber(
  name: string,
  value: unknown,
  fallback: number,
  rule: { integer: boolean; min: number },
): number {
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= rule.min &&
    (!rule.integer || Number.isInteger(value));
  if (!valid) {
    throw new TypeError(
      `auth.${name} must be ${rule.integer ? 'an integer' : 'a finite number'} >= ${rule.min}`,
    );
  }
  return value;
}

function readRemoteJwks(
  value: RemoteJwksOptions | undefined,
  hasJwksUrl: boolean,
): ResolvedRemoteJwksOptions {
  const defaults = AUTH_DEFAULTS.remoteJwks;
  if (value === undefined) return defaults;
  if (!hasJwksUrl) throw new TypeError('auth.remoteJwks only applies together with auth.jwksUrl');
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('auth.remoteJwks must be an object');
  }
  const rule = { integer: true, min: 0 };
  return Object.freeze({
    timeoutMs: readNumber('remoteJwks.timeoutMs', value.timeoutMs, defaults.timeoutMs, rule),
    cooldownMs: readNumber('remoteJwks.cooldownMs', value.cooldownMs, defaults.cooldownMs, rule),
    cacheMaxAgeMs: readNumber(
      'remoteJwks.cacheMaxAgeMs',
      value.cacheMaxAgeMs,
      defaults.cacheMaxAgeMs,
      rule,
    ),
  });
}
