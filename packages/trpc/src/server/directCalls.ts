import type { AnyTRPCProcedure, AnyTRPCRouter, TRPCError } from '@trpc/server';
import {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  TRPCError as TRPCErrorClass,
  type TRPCResponse,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import { textSerializer } from '../wireTransformer.ts';
import { callProcedure } from './callProcedure.ts';

/** One call of a request, its procedure already looked up. */
export interface DirectCall {
  readonly path: string;
  readonly procedure: AnyTRPCProcedure;
  /** The call's input as sent (before the transformer), or undefined. */
  readonly rawInput: unknown;
}

export interface DirectCallsOptions {
  readonly router: AnyTRPCRouter;
  readonly calls: readonly DirectCall[];
  readonly isBatch: boolean;
  readonly ctx: object;
  readonly signal: AbortSignal;
  readonly onError: (opts: { error: TRPCError; path: string | undefined }) => void;
}

/**
 * Runs plain tRPC calls (queries by GET, mutations by POST, JSON in and out, batched or not) as
 * tRPC's `resolveResponse` does, without its per-call composite abort signals, request info, or
 * the web `Response` it builds: the answer is one JSON string. Same bodies, statuses and
 * `onError` calls; `planDirectCalls` sends every other request to tRPC itself.
 */
export async function runDirectCalls(
  options: DirectCallsOptions,
): Promise<{ status: number; body: string }> {
  const { router, calls } = options;
  const config = router._def._config;
  // Stringified at once: the wire transformer needs no copy of the answer.
  const serialize = textSerializer(config.transformer.output.serialize);
  // One call (most requests): no Promise.all and no arrays around it; a batch of one is `[answer]`.
  if (calls.length === 1) {
    const [answer, error] = await runDirectCall(options, calls[0] as DirectCall, 0);
    const text = JSON.stringify(wireAnswer(config, serialize, answer));
    return {
      status: error ? getHTTPStatusCode([answer], [error]) : 200,
      body: options.isBatch ? `[${text}]` : text,
    };
  }
  const answers = await Promise.all(
    calls.map((call, batchIndex) => runDirectCall(options, call, batchIndex)),
  );
  const json = answers.map(([answer]) => answer);
  const status = getHTTPStatusCode(
    json,
    answers.map(([, error]) => error),
  );
  const transformed = json.map((answer) => wireAnswer(config, serialize, answer));
  return { status, body: JSON.stringify(options.isBatch ? transformed : transformed[0]) };
}

/** As transformTRPCResponse, without its copies of each answer: a result is `{ result: { data } }`. */
function wireAnswer(
  config: AnyTRPCRouter['_def']['_config'],
  serialize: (value: unknown) => unknown,
  answer: TRPCResponse,
): unknown {
  return 'result' in answer
    ? { result: { data: serialize(answer.result.data) } }
    : transformTRPCResponse(config, answer);
}

/** One call as tRPC makes it: its answer, and its error (also given to `onError`) when it failed. */
async function runDirectCall(
  options: DirectCallsOptions,
  call: DirectCall,
  batchIndex: number,
): Promise<[TRPCResponse, TRPCError | undefined]> {
  const { router, ctx } = options;
  const type = call.procedure._def.type;
  let input: unknown;
  try {
    const data: unknown = await callProcedure(call.procedure, {
      path: call.path,
      getRawInput: async () => {
        input = deserializeInput(router, call.rawInput);
        return input;
      },
      ctx,
      type,
      signal: options.signal,
      batchIndex,
    });
    if (isDataStream(data)) {
      throw new TRPCErrorClass({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message:
          'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
      });
    }
    return [{ result: { data } }, undefined];
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    options.onError({ error, path: call.path });
    const config = router._def._config;
    const shape = getErrorShape({ config, ctx, error, input, path: call.path, type });
    return [{ error: shape }, error];
  }
}

export type DirectPlan =
  | { readonly kind: 'calls'; readonly calls: DirectCall[]; readonly isBatch: boolean }
  | { readonly kind: 'subscription'; readonly call: DirectCall }
  | undefined;

/** The procedures a request path names, looked up once per router, method and path. */
interface Route {
  readonly paths: readonly string[];
  readonly procedures: readonly AnyTRPCProcedure[];
  /** A lone subscription (served as SSE on GET). */
  readonly subscription: boolean;
  /** Whether every procedure is of the method's type (query for GET, mutation for POST). */
  readonly ofMethodType: boolean;
}

/** Most routes kept per kind: a batch path may name any mix of procedures. */
const MAX_ROUTES = 256;

type RouteKind = 'GET' | 'GET batch' | 'POST' | 'POST batch';

/** A router's routes by kind and path, found ones only; the last one found is checked first. */
class Routes {
  readonly #router: AnyTRPCRouter;
  readonly #byKind = new Map<RouteKind, Map<string, Route>>();
  #lastKind: RouteKind | undefined;
  #lastPath = '';
  #last: Route | undefined;

  constructor(router: AnyTRPCRouter) {
    this.#router = router;
  }

  find(type: 'query' | 'mutation', isBatch: boolean, path: string): Route | undefined {
    const kind: RouteKind =
      type === 'query' ? (isBatch ? 'GET batch' : 'GET') : isBatch ? 'POST batch' : 'POST';
    // Most requests call what the one before called: a string compare, no hashing.
    if (kind === this.#lastKind && path === this.#lastPath) return this.#last;
    let routes = this.#byKind.get(kind);
    if (!routes) {
      routes = new Map();
      this.#byKind.set(kind, routes);
    }
    let route = routes.get(path);
    if (!route) {
      route = lookUp(this.#router, type, isBatch, path);
      if (!route) return undefined;
      if (routes.size < MAX_ROUTES) routes.set(path, route);
    }
    this.#lastKind = kind;
    this.#lastPath = path;
    this.#last = route;
    return route;
  }
}

/** Per router: its routes (a handler's router is fixed; procedures are never removed). */
const routesOf = new WeakMap<AnyTRPCRouter, Routes>();

/** The procedures `path` names (comma-separated in a batch), or undefined when one is missing. */
function lookUp(
  router: AnyTRPCRouter,
  type: 'query' | 'mutation',
  isBatch: boolean,
  path: string,
): Route | undefined {
  const paths = isBatch ? path.split(',') : [path];
  const procedures: AnyTRPCProcedure[] = [];
  const all = router._def.procedures as Record<string, AnyTRPCProcedure>;
  for (const name of paths) {
    const procedure = Object.hasOwn(all, name) ? all[name] : undefined;
    if (!procedure) return undefined;
    procedures.push(procedure);
  }
  return {
    paths,
    procedures,
    subscription: !isBatch && procedures[0]?._def.type === 'subscription',
    ofMethodType: procedures.every((procedure) => procedure._def.type === type),
  };
}

/**
 * What the node path can answer itself: every procedure found and called with its own method
 * (GET queries, POST mutations, a GET subscription alone), JSON input that parses. Anything else
 * (a 404 or 405, a lazy router, a JSONL stream, a body that is not JSON) is undefined: tRPC's
 * `resolveResponse` answers it, errors included.
 */
export function planDirectCalls(options: {
  readonly router: AnyTRPCRouter;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The request body (POST), or undefined. */
  readonly body: string | undefined;
  readonly streamAccepted: boolean;
}): DirectPlan {
  const { router, method, query } = options;
  if (options.streamAccepted || router._def._config.pathSeparator !== '.') return undefined;
  const isBatch = query.get('batch') === '1';
  const type = method === 'GET' ? 'query' : method === 'POST' ? 'mutation' : undefined;
  if (!type) return undefined;
  let routes = routesOf.get(router);
  if (!routes) {
    routes = new Routes(router);
    routesOf.set(router, routes);
  }
  const route = routes.find(type, isBatch, options.path);
  if (!route) return undefined;
  let inputs: unknown;
  try {
    const text = method === 'GET' ? query.get('input') : options.body;
    inputs = text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
  if (isBatch && inputs !== undefined && !isObject(inputs)) return undefined;
  if (route.subscription && method === 'GET') {
    return {
      kind: 'subscription',
      call: {
        path: route.paths[0] as string,
        procedure: route.procedures[0] as AnyTRPCProcedure,
        rawInput: inputs,
      },
    };
  }
  if (!route.ofMethodType) return undefined;
  const { paths, procedures } = route;
  const calls: DirectCall[] = [];
  for (let index = 0; index < paths.length; index++) {
    calls.push({
      path: paths[index] as string,
      procedure: procedures[index] as AnyTRPCProcedure,
      rawInput: isBatch ? (inputs as Record<number, unknown> | undefined)?.[index] : inputs,
    });
  }
  return { kind: 'calls', calls, isBatch };
}

/** A call's input through the router's transformer; a failure is a 400, as tRPC makes it. */
export function deserializeInput(router: AnyTRPCRouter, raw: unknown): unknown {
  if (raw === undefined) return undefined;
  try {
    return router._def._config.transformer.input.deserialize(raw);
  } catch (cause) {
    if (cause instanceof TRPCErrorClass) throw cause;
    throw new TRPCErrorClass({
      code: 'BAD_REQUEST',
      message: cause instanceof Error ? cause.message : 'Invalid input',
      cause,
    });
  }
}

/** As tRPC: an async iterable, or an object with a promise or async iterable in it. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  return Object.values(value).some((item) => isPromise(item) || isAsyncIterable(item));
}
