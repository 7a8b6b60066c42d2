import type { IncomingMessage } from 'node:http';
import {
  type AgentEntry,
  AgentMintError,
  AgentRuntime,
  EMPTY_TRUSTED,
  type LeaseOptions,
  type Logger,
  logUnexpectedError,
  type Store,
} from '@agentmint/core';
import type { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type AgentInfo, describeAgents } from './agentInfo.ts';
import type { AgentOSInterface } from './agentOSInterface.ts';
import { type AgentOSRouter, createAgentOSRouter } from './agentOSRouter.ts';
import type { AccessPolicy } from './auth/accessPolicy.ts';
import { accessPolicyFor } from './auth/accessPolicy.ts';
import type { AuthOptions } from './auth/authOptions.ts';
import { createAuthenticator } from './auth/createAuthenticator.ts';
import type { Identity } from './auth/identity.ts';
import { type AgentMintRequestState, headerRecord, nodeHeaderRecord } from './context.ts';
import { toPublicError } from './errorMapping.ts';
import {
  AgentOSObservability,
  type ObservabilityOptions,
} from './observability/agentOSObservability.ts';
import { AgentOperations } from './operations/agentOperations.ts';
import { type AnonymousUserIds, createRequestAccess, type RequestAccess } from './requestAccess.ts';
import type { OSIdentity } from './rest/configShape.ts';
import { createRestApp, restError } from './rest/restApp.ts';
import { answerUnmatched } from './rest/unmatchedRoutes.ts';
import { maxBatchSizeOption, refuseLargeBatch } from './server/batchLimit.ts';
import { type CorsOptions, corsMiddleware, corsResponseHeaders } from './server/corsOptions.ts';
import { type ServeOptions, type ServerHandle, serveFetch } from './server/serveFetch.ts';
import { createTRPCNodeHandler } from './server/trpcNodeHandler.ts';
import { withReconnectHint } from './server/withReconnectHint.ts';
import { createBaseProcedure } from './trpc.ts';

export interface AgentOSOptions<TAgents extends readonly AgentEntry[]>
  extends ObservabilityOptions {
  /** Factories and plain agents; ids are unique and become tRPC path segments. */
  agents: TAgents;
  /** This AgentOS's id, as Agno's `GET /config` reports it (`os_id`). Default `agentmint`. */
  id?: string;
  /** Name and description reported by `GET /config`. */
  name?: string;
  description?: string;
  /** JWT verification (jose). Without it, every request is anonymous and `trusted` is empty. */
  auth?: AuthOptions;
  /** Cross-origin access for browser apps on other origins. Default off (same origin only). */
  cors?: CorsOptions;
  /**
   * Extra protocols served beside tRPC and REST, e.g. `agui()` from `@agentmint/trpc/agui` and
   * `mcp()` from `@agentmint/trpc/mcp`. Opt-in: none by default.
   */
  interfaces?: readonly AgentOSInterface[];
  /** Store for plain agents with no db of their own. Default: in memory. */
  db?: Store;
  logger?: Logger;
  /**
   * Without `auth`: `'trust'` (default, as Agno) makes a client-sent `user_id` the run's user;
   * `'ignore'` drops it, so runs are anonymous. Either way, user isolation needs `auth`.
   */
  anonymousUserIds?: AnonymousUserIds;
  /** Largest request body accepted (bytes). Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Most calls one tRPC batch request may carry; more get 413 BATCH_TOO_LARGE before any call
   * runs. Default 10. Set the client's batch `maxItems` to this or less.
   */
  maxBatchSize?: number;
  /** Concurrent runs per user before 429 TOO_MANY_RUNS. Default unlimited. */
  maxConcurrentRunsPerUser?: number;
  /**
   * tRPC runs are detached: by default (`Infinity`) none is ever cancelled for want of a watcher,
   * only by `runs.cancel`. A finite value cancels a run once its last `runs.watch` subscriber on
   * the instance executing it has been gone this long; keep it well above the client's
   * reconnect time (30 s inactivity timeout plus its 5 s backoff cap), e.g. 120_000.
   */
  resumeGraceMs?: number;
  /** RUNNING rows without a lease (from before leases) older than this are ended. Default 15 minutes. */
  staleRunAfterMs?: number;
  /**
   * Run leases: each instance renews the leases of its runs; any instance ends runs whose lease
   * expired (their process died) as ERROR RUN_INTERRUPTED within `ttlMs + sweepMs` (default 20 s).
   */
  leases?: LeaseOptions;
  /** How long a cancel of a run executing on another instance waits for it to end. Default 5 s. */
  cancelWaitMs?: number;
}

/** How soon an SSE client reconnects after a dropped stream (it resumes by lastEventId). */
const SSE_RECONNECT_MS = 250;

const ANONYMOUS: Identity = { userId: undefined, trusted: EMPTY_TRUSTED };

/**
 * Rejects bodies over `maxBytes` (413) before anything reads them. A declared Content-Length is
 * checked from the header alone: touching `request.body` would make @hono/node-server build a full
 * web Request and stream for every request, and every later read would go through that stream
 * instead of its direct fast path. Only bodies of unknown length (chunked) are counted as they
 * stream, by Hono's own middleware.
 */
function limitBody(maxBytes: number, logger: Logger): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    restError(
      c,
      new AgentMintError('PAYLOAD_TOO_LARGE', `Request body over ${maxBytes} bytes`),
      logger,
    );
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      const length = Number(declared);
      return Number.isSafeInteger(length) && length <= maxBytes ? next() : tooLarge(c);
    }
    return streamed(c, next);
  };
}

/** One log line (with an error id) for a tRPC failure that no AgentMint error explains. */
function reportUnexpected(error: TRPCError, path: string | undefined, logger: Logger): void {
  if (toPublicError(error).code !== 'INTERNAL') return;
  logUnexpectedError(logger, 'tRPC request failed', error.cause ?? error, { path });
}

/**
 * Serves agent factories over a typed tRPC router, Agno's REST API and SSE. `router` nests in a
 * host's tRPC router; `fetch` mounts in any web-standard host; `serve` runs a Node server.
 */
export class AgentOS<const TAgents extends readonly AgentEntry[]> {
  readonly runtime: AgentRuntime;
  readonly router: AgentOSRouter<TAgents>;
  readonly agents: ReadonlyMap<string, AgentInfo>;
  /** Every operation a transport offers, each checking the caller once; new transports call it. */
  readonly operations: AgentOperations;
  readonly #authenticate: (headers: Headers) => Promise<Identity>;
  readonly #policy: AccessPolicy | undefined;
  /** Without auth every request has the same access: built once, not per request. */
  readonly #anonymousAccess: RequestAccess | undefined;
  readonly #app: Hono;
  readonly #interfaces: readonly AgentOSInterface[];
  readonly #maxBodyBytes: number;
  readonly #maxBatchSize: number;
  readonly #cors: CorsOptions | undefined;
  #servers = new Set<ServerHandle>();
  /** Spans and metrics (see `tracing` and `metrics` in the options). */
  readonly observability: AgentOSObservability;

  constructor(options: AgentOSOptions<TAgents>) {
    this.observability = new AgentOSObservability(options, () => this.runtime.activeRunCount);
    this.runtime = new AgentRuntime({
      instrumentation: this.observability.instrumentation,
      agents: options.agents,
      ...(options.db && { db: options.db }),
      ...(options.logger && { logger: options.logger }),
      ...(options.maxConcurrentRunsPerUser !== undefined && {
        maxConcurrentRunsPerUser: options.maxConcurrentRunsPerUser,
      }),
      ...(options.staleRunAfterMs !== undefined && { staleRunAfterMs: options.staleRunAfterMs }),
      ...(options.leases && { leases: options.leases }),
      ...(options.cancelWaitMs !== undefined && { cancelWaitMs: options.cancelWaitMs }),
    });
    this.agents = describeAgents(this.runtime.agents.values());
    if (options.auth) {
      const authenticator = createAuthenticator(options.auth);
      this.#authenticate = (headers) =>
        this.observability.authenticate('jwt', () => authenticator.authenticate(headers));
      this.#policy = accessPolicyFor(options.auth);
    } else {
      this.#authenticate = async () => ANONYMOUS;
      this.#policy = undefined;
    }
    this.#anonymousAccess = options.auth
      ? undefined
      : createRequestAccess(ANONYMOUS, undefined, {
          clientUserIds: anonymousUserIdsOption(options.anonymousUserIds),
        });
    const base = createBaseProcedure((headers) => this.authenticate(headers));
    this.operations = new AgentOperations({ runtime: this.runtime, infos: this.agents });
    this.observability.traceOperations(this.operations);
    this.router = createAgentOSRouter<TAgents>({
      operations: this.operations,
      agentIds: this.runtime.agents.keys(),
      base,
      resumeGraceMs: resumeGraceOption(options.resumeGraceMs),
    });
    this.#interfaces = options.interfaces ?? [];
    this.#maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.#cors = options.cors;
    this.#maxBatchSize = maxBatchSizeOption(options.maxBatchSize);
    this.#app = this.#createApp(this.#maxBodyBytes, options.cors, this.#maxBatchSize, {
      id: options.id ?? 'agentmint',
      name: options.name,
      description: options.description,
    });
  }

  /** Verifies the request's credentials and decides what it may do (401 when a token is bad). */
  async authenticate(headers: Headers): Promise<AgentMintRequestState> {
    const access =
      this.#anonymousAccess ?? createRequestAccess(await this.#authenticate(headers), this.#policy);
    return { access, headers: headerRecord(headers) };
  }

  /** tRPC `createContext` for hosts: spread the result into your own context. */
  async createContext(opts: { req: Request }): Promise<{ agentmint: AgentMintRequestState }> {
    return { agentmint: await this.authenticate(opts.req.headers) };
  }

  /**
   * The HTTP routes the app answers, as `{ method, path }` patterns (`ALL` for middleware and
   * any-method routes; `/trpc/*` stands for every procedure of `router`).
   */
  get routes(): readonly { readonly method: string; readonly path: string }[] {
    return this.#app.routes.map(({ method, path }) => ({ method, path }));
  }

  /**
   * Web-standard handler: tRPC at /trpc, the REST API at /agents and /sessions, /health. `env` is
   * the host's bindings, passed on to the app (under @hono/node-server, the node:http request and
   * response: request spans then end when Node has sent the answer).
   */
  fetch = (request: Request, env?: object): Response | Promise<Response> =>
    this.#app.fetch(request, env);

  #createApp(
    maxBodyBytes: number,
    cors: CorsOptions | undefined,
    maxBatchSize: number,
    os: OSIdentity,
  ): Hono {
    const app = new Hono();
    // First, so preflights are answered and every response (errors included) carries the headers.
    if (cors) app.use('*', corsMiddleware(cors));
    this.observability.mount(app);
    app.notFound(answerUnmatched(app, this.runtime.logger));
    app.use('*', limitBody(maxBodyBytes, this.runtime.logger));
    app.all(
      '/trpc/*',
      async (c) =>
        refuseLargeBatch(c.req.url, { router: this.router, max: maxBatchSize }) ??
        withReconnectHint(
          await fetchRequestHandler({
            endpoint: '/trpc',
            req: c.req.raw,
            router: this.router,
            createContext: ({ req }) => ({ headers: req.headers }),
            onError: ({ error, path }) => reportUnexpected(error, path, this.runtime.logger),
          }),
          SSE_RECONNECT_MS,
        ),
    );
    // Before REST, whose catch-all answers 404 for paths it does not know.
    const host = {
      operations: this.operations,
      logger: this.runtime.logger,
      authenticate: (h: Headers) => this.authenticate(h),
    };
    for (const extra of this.#interfaces) extra.mount(app, host);
    app.route(
      '/',
      createRestApp({
        operations: this.operations,
        authenticate: (h) => this.authenticate(h),
        logger: this.runtime.logger,
        infos: this.agents,
        os,
      }),
    );
    return app;
  }

  /** Starts an HTTP server; resolves once it listens (`port: 0` picks a free port). */
  async serve(options: ServeOptions = {}): Promise<ServerHandle> {
    await this.runtime.init();
    // tRPC is answered on the raw node request (same port): no web framework, Request or stream.
    // It makes its own request spans, CORS headers and open-stream count; a host's own `fetch` may
    // wrap /trpc, and then tRPC goes through Hono like every route.
    const lean = options.fetch === undefined;
    const trpc = createTRPCNodeHandler({
      router: this.router,
      endpoint: '/trpc',
      maxBodyBytes: this.#maxBodyBytes,
      maxBatchSize: this.#maxBatchSize,
      sseReconnectMs: SSE_RECONNECT_MS,
      logger: this.runtime.logger,
      onError: ({ error, path }) => reportUnexpected(error, path, this.runtime.logger),
      tracer: this.observability.tracing?.tracer,
      tracesRecorded: () => this.observability.tracesRecorded,
      corsHeaders: this.#cors && corsResponseHeaders(this.#cors),
      openStreams: this.observability.metrics?.openStreams,
      // Without auth the access is the same for every request: the context is ready before tRPC
      // runs (no web `Headers`, and the base procedure passes it on without copying it).
      createContext: this.#anonymousAccess && anonymousContext(this.#anonymousAccess),
    });
    const handle = await serveFetch(
      options.fetch ?? this.fetch,
      options,
      async (closeOptions) => {
        this.#servers.delete(handle);
        await this.#shutdown(closeOptions);
      },
      lean ? { prefix: '/trpc/', handle: trpc } : undefined,
    );
    this.#servers.add(handle);
    return handle;
  }

  /** Stops servers, lets runs finish for `graceMs` (then cancels them), closes the stores. */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    if (this.#servers.size === 0) return this.#shutdown(options);
    await Promise.all([...this.#servers].map((server) => server.close(options)));
  }

  async #shutdown(options: { graceMs?: number }): Promise<void> {
    await Promise.all(this.#interfaces.map((extra) => extra.close?.()));
    await this.runtime.close(options);
  }
}

/** The tRPC context of a request when auth is off: its access is known without reading it. */
function anonymousContext(access: RequestAccess) {
  return (req: IncomingMessage): { agentmint: AgentMintRequestState } => ({
    agentmint: { access, headers: nodeHeaderRecord(req.headers) },
  });
}

/** A finite grace window in ms, or undefined for "never cancel" (the default). */
function resumeGraceOption(value: number | undefined): number | undefined {
  if (value === undefined || value === Number.POSITIVE_INFINITY) return undefined;
  if (Number.isFinite(value) && value >= 0) return value;
  throw new TypeError(`resumeGraceMs must be a number of ms from 0, or Infinity; got ${value}`);
}

function anonymousUserIdsOption(value: AnonymousUserIds | undefined): AnonymousUserIds {
  if (value === undefined || value === 'trust' || value === 'ignore') return value ?? 'trust';
  throw new TypeError(`anonymousUserIds must be 'trust' or 'ignore', got ${String(value)}`);
}
