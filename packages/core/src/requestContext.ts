import { deepFreeze } from './deepFreeze.ts';
import { FrozenSet } from './frozenSet.ts';
import { newId } from './newId.ts';

/** Where the trusted fields came from: verified JWT middleware, nothing, or a host's own verifier. */
export type TrustSource = 'jwt' | 'none' | (string & {});

/** Facts set only by verified middleware, never from client input. Use these for authorization. */
export interface TrustedContext {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly scopes: ReadonlySet<string>;
  readonly source: TrustSource;
}

/** What a factory (and every tool of the agent it builds) knows about the request. Deeply frozen. */
export interface RequestContext<TInput = unknown> {
  readonly agentId: string;
  /** The verified JWT `sub` when there is one, else the client-sent user id. */
  readonly userId: string | undefined;
  /** Minted before the factory runs when the client sent none. */
  readonly sessionId: string;
  readonly runId: string;
  /** The validated factory input: the schema's output type, or the raw value without a schema. */
  readonly input: TInput;
  readonly trusted: TrustedContext;
  readonly headers: Readonly<Record<string, string>>;
  /** Aborted when the run is cancelled or the client disconnects. */
  readonly signal: AbortSignal;
}

export const EMPTY_TRUSTED: TrustedContext = Object.freeze({
  claims: Object.freeze({}),
  scopes: new FrozenSet<string>(),
  source: 'none',
});

const EMPTY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NEVER_ABORTED = new AbortController().signal;

/** Builds trusted facts from verified claims; call only from code that verified them. */
export function createTrustedContext(options: {
  claims: Record<string, unknown>;
  scopes: Iterable<string>;
  source: TrustSource;
}): TrustedContext {
  return Object.freeze({
    claims: deepFreeze(options.claims),
    scopes: new FrozenSet(options.scopes),
    source: options.source,
  });
}

export interface RequestContextInit<TInput = unknown> {
  agentId?: string;
  userId?: string | undefined;
  sessionId?: string | undefined;
  runId?: string | undefined;
  input?: TInput;
  trusted?: TrustedContext;
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** Creates a frozen context; every omitted field takes its empty default and ids are minted. */
export function createRequestContext<TInput = unknown>(
  init: RequestContextInit<TInput> = {},
): RequestContext<TInput> {
  return Object.freeze({
    agentId: init.agentId ?? '',
    userId: init.userId,
    sessionId: init.sessionId ?? newId(),
    runId: init.runId ?? newId(),
    input: deepFreeze(init.input as TInput),
    trusted: init.trusted ?? EMPTY_TRUSTED,
    headers: init.headers ? deepFreeze(init.headers) : EMPTY_HEADERS,
    signal: init.signal ?? NEVER_ABORTED,
  });
}
