import type { IncomingHttpHeaders } from 'node:http';
import type { RequestAccess } from './requestAccess.ts';

/**
 * What AgentOS procedures read from the tRPC context. Every field is optional so a host router's
 * own context fits: give it `headers` (or `req`), or spread `await agentOS.createContext(opts)` in.
 */
export interface AgentOSContext {
  /** Set by `agentOS.createContext`: the request already authenticated. */
  readonly agentmint?: AgentMintRequestState;
  readonly headers?: Headers;
  readonly req?: { readonly headers: Headers };
}

export interface AgentMintRequestState {
  readonly access: RequestAccess;
  /** Request headers as the factory sees them (`ctx.headers`). */
  readonly headers: Readonly<Record<string, string>>;
}

// Credentials stay with the verifier: factories and tools get the verified claims, not the token.
const PRIVATE_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** Request headers as a frozen plain record, the shape factories get as `ctx.headers`. */
export function headerRecord(headers: Headers): Readonly<Record<string, string>> {
  const record: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (!PRIVATE_HEADERS.has(key)) record[key] = value;
  });
  return Object.freeze(record);
}

/**
 * The same record from node:http's parsed headers, without building web `Headers` first: keys
 * in `Headers`' (sorted) order, repeated values joined as `Headers.get` joins them (`set-cookie`,
 * which `Headers` iterates one by one, keeps its last), HTTP/2 pseudo-headers left out.
 */
export function nodeHeaderRecord(headers: IncomingHttpHeaders): Readonly<Record<string, string>> {
  const record: Record<string, string> = {};
  for (const key of Object.keys(headers).sort()) {
    const value = headers[key];
    if (value === undefined || key.startsWith(':') || PRIVATE_HEADERS.has(key)) continue;
    record[key] = Array.isArray(value)
      ? key === 'set-cookie'
        ? (value.at(-1) ?? '')
        : value.join(', ')
      : value;
  }
  return Object.freeze(record);
}
