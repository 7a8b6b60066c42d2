import type { JWK } from 'jose';
import type { JwsAlgorithm } from './jwsAlgorithms.ts';

/** Tuning for `jwksUrl`; the defaults suit a typical identity provider. */
export interface RemoteJwksOptions {
  /** Abort one JWKS fetch after this many milliseconds. Default 5 000. */
  timeoutMs?: number | undefined;
  /**
   * Minimum gap between refetches caused by an unknown `kid`, and between retries while the
   * endpoint is down. Default 30 000.
   */
  cooldownMs?: number | undefined;
  /** Refetch the key set once it is this old. Default 600 000 (10 min). */
  cacheMaxAgeMs?: number | undefined;
}

/** How AgentOS verifies bearer tokens (contract §4). Exactly one asymmetric key source at most. */
export interface AuthOptions {
  /** Shared secret for HS256/384/512; only ever used for HS* tokens. */
  secret?: string | Uint8Array | undefined;
  /** PEM public key (SPKI, PKCS#1) or X.509 certificate for RS/PS/ES/EdDSA tokens. */
  publicKey?: string | undefined;
  /** A local JSON Web Key Set; the token's `kid` picks the key. */
  jwks?: { readonly keys: readonly JWK[] } | undefined;
  /** A remote JSON Web Key Set (https, or http on loopback), fetched once and cached. */
  jwksUrl?: string | undefined;
  /** Explicit allow-list of JWS algorithms; `none` is never accepted. */
  algorithms: readonly string[];
  /** Required `iss` claim (any of them, when several). */
  issuer?: string | readonly string[] | undefined;
  /** Required `aud` claim (any of them, when several). */
  audience?: string | readonly string[] | undefined;
  /** Enforce scopes. Default true. */
  authorization?: boolean | undefined;
  /** Non-admins see only their own sessions and runs. Default true. */
  userIsolation?: boolean | undefined;
  /** The scope that grants everything. Default `agent_os:admin`. */
  adminScope?: string | undefined;
  /** Read the token from this cookie when the request has no Authorization header. */
  cookieName?: string | undefined;
  /** Leeway for `exp`/`nbf`/`iat`, in seconds. Default 5. */
  clockToleranceSeconds?: number | undefined;
  /** Longer tokens are refused before any parsing. Default 8 192. */
  maxTokenBytes?: number | undefined;
  /** Fetch and cache tuning for `jwksUrl`. */
  remoteJwks?: RemoteJwksOptions | undefined;
}

export type KeySourceKind = 'secret' | 'publicKey' | 'jwks' | 'jwksUrl';

/** The options after validation and defaults; holds no key material, so it is safe to log. */
export interface NormalizedAuthOptions {
  readonly algorithms: readonly JwsAlgorithm[];
  readonly keySources: readonly KeySourceKind[];
  readonly jwksUrl: string | undefined;
  readonly issuer: string | readonly string[] | undefined;
  readonly audience: string | readonly string[] | undefined;
  readonly authorization: boolean;
  readonly userIsolation: boolean;
  readonly adminScope: string;
  readonly cookieName: string | undefined;
  readonly clockToleranceSeconds: number;
  readonly maxTokenBytes: number;
  readonly remoteJwks: ResolvedRemoteJwksOptions;
}

export interface ResolvedRemoteJwksOptions {
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly cacheMaxAgeMs: number;
}

export const DEFAULT_ADMIN_SCOPE = 'agent_os:admin';

export const AUTH_DEFAULTS = Object.freeze({
  authorization: true,
  userIsolation: true,
  adminScope: DEFAULT_ADMIN_SCOPE,
  clockToleranceSeconds: 5,
  maxTokenBytes: 8 * 1024,
  remoteJwks: Object.freeze<ResolvedRemoteJwksOptions>({
    timeoutMs: 5_000,
    cooldownMs: 30_000,
    cacheMaxAgeMs: 600_000,
  }),
});
