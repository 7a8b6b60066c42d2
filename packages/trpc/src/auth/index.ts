export { type AccessPolicy, accessPolicyFor } from './accessPolicy.ts';
export {
  AUTH_DEFAULTS,
  type AuthOptions,
  DEFAULT_ADMIN_SCOPE,
  type KeySourceKind,
  type NormalizedAuthOptions,
  type RemoteJwksOptions,
  type ResolvedRemoteJwksOptions,
} from './authOptions.ts';
export {
  type AuthorizationPolicy,
  canReadAgent,
  canReadAgents,
  canRunAgent,
  canUseSessions,
  DEFAULT_AUTHORIZATION_POLICY,
  filterReadableAgents,
  hasScope,
  isAdmin,
  requireReadAgent,
  requireRunAgent,
  requireScope,
  requireSessionScope,
  type SessionAction,
} from './authorization.ts';
export { type Authenticator, createAuthenticator } from './createAuthenticator.ts';
export type { Identity } from './identity.ts';
export type { JwsAlgorithm } from './jwsAlgorithms.ts';
export { ownerScopeFor } from './ownerScope.ts';
export { agentRunScope, SCOPES, scopesFromClaims } from './scopes.ts';
