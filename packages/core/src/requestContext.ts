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

// Trusted contexts known to be deeply frozen, so the per-request path checks instead of re-freezing.
const sealedTrusted = new WeakSet<TrustedContext>();

/**
 * Builds trusted facts from verified claims; call only from code that verified them. The claims
 * object is frozen in place (deeply), the scopes are copied into a set that refuses changes.
 */
export function createTrustedContext(options: {
  claims: Readonly<Record<string, unknown>>;
  scopes: Iterable<string>;
  source: TrustSource;
}): TrustedContext {
  const trusted: TrustedContext = Object.freeze({
    claims: deepFreeze(options.claims),
    scopes: options.scopes instanceof FrozenSet ? options.scopes : new FrozenSet(options.scopes),
    source: options.source,
  });
  sealedTrusted.add(trusted);
  return trusted;
}

export const EMPTY_TRUSTED: TrustedContext = createTrustedContext({
  claims: {},
  scopes: [],
  source: 'none',
});

const EMPTY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NEVER_ABORTED = new AbortController().signal;

export interface RequestContextInit<TInput = unknown> {
  agentId?: string;
  userId?: string | undefined;
  sessionId?: string | undefined;
  runId?: string | undefined;
  input?: TInput;
  trusted?: TrustedContext | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
  signal?: AbortSignal | undefined;
}

/** The per-request fields of a context, as transports hand them to `resolveAgent`. */
export type RequestContextSource = Omit<RequestContextInit, 'agentId' | 'input'>;

/** Creates a frozen context; every omitted field takes its empty default and ids are minted. */
export function createRequestContext<TInput = unknown>(
  init: RequestContextInit<TInput> = {},
): RequestContext<TInput> {
  return contextFor(init.agentId ?? '', init.input as TInput, init);
}

/**
 * The frozen context of one request to `agentId`. `input` is frozen in place (it is the schema's
 * fresh output, or the decoded client value); a hand-built `trusted` is frozen on first use and the
 * headers are copied, so nothing the transport holds can change the context afterwards.
 */
export function contextFor<TInput>(
  agentId: string,
  input: TInput,
  source: RequestContextSource,
): RequestContext<TInput> {
  return Object.freeze({
    agentId,
    userId: source.userId,
    // An empty id is as good as none: mint one rather than share a '' session between users.
    sessionId: source.sessionId || newId(),
    runId: source.runId || newId(),
    input: deepFreeze(input),
    trusted: source.trusted === undefined ? EMPTY_TRUSTED : sealTrusted(source.trusted),
    headers: source.headers === undefined ? EMPTY_HEADERS : freezeHeaders(source.headers),
    signal: source.signal ?? NEVER_ABORTED,
  });
}

function sealTrusted(trusted: TrustedContext): TrustedContext {
  return sealedTrusted.has(trusted) ? trusted : createTrustedContext(trusted);
}

function freezeHeaders(
  headers: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  return Object.isFrozen(headers) ? headers : Object.freeze({ ...headers });
}
