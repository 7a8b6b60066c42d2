import { type JWTPayload, SignJWT } from 'jose';

export const SECRET = 'reliability-suite-secret-of-at-least-32-bytes';
export const ISSUER = 'agentmint-reliability';
export const AUDIENCE = 'agentmint';
const KEY = new TextEncoder().encode(SECRET);

/** Every non-admin scope AgentOS knows, so isolation is the only thing standing between users. */
export const USER_SCOPES = [
  'agents:read',
  'agents:run',
  'sessions:read',
  'sessions:write',
  'sessions:delete',
] as const;

/** An HS256 token from the suite's issuer, valid for five minutes unless `claims` say otherwise. */
export function userToken(sub: string, claims: JWTPayload = {}): Promise<string> {
  return signedClaims({ sub, ...claims });
}

/** Like `userToken`, but `claims` go in as they are, so a test can sign a `sub` of any shape. */
export function signedClaims(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ scopes: [...USER_SCOPES], ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(KEY);
}

/** The auth options matching `userToken`. */
export const hsAuth = {
  secret: SECRET,
  algorithms: ['HS256'],
  issuer: ISSUER,
  audience: AUDIENCE,
} as const;

export function base64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

/** A compact JWS built by hand, for tokens no honest library would produce. */
export function handCrafted(header: object, payload: object, signature = ''): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${signature}`;
}
