import { type JWTPayload, SignJWT } from 'jose';

export const JWT_SECRET = 'client-tests-secret-of-at-least-32-bytes!';
export const ALL_SCOPES = 'agents:read agents:run sessions:read sessions:write sessions:delete';

/** HS256 tokens the test AgentOS (`auth: { secret: JWT_SECRET, algorithms: ['HS256'] }`) accepts. */
export function signToken(payload: JWTPayload = { sub: 'u1', scope: ALL_SCOPES }): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

export const jwtAuth = { secret: JWT_SECRET, algorithms: ['HS256'] };
