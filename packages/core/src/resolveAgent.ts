import { Agent } from './agent.ts';
import type { AnyAgentFactory } from './agentFactory.ts';
import { AgentMintError } from './errors/agentMintError.ts';
import { FactoryError } from './errors/factoryError.ts';
import { FACTORY_INPUT_FIELD, FactoryValidationError } from './errors/factoryValidationError.ts';
import { FactoryCache } from './factoryCache.ts';
import { parseFactoryInput } from './factoryInput.ts';
import type { Instrumentation } from './instrumentation/instrumentation.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { contextFor, type RequestContext, type RequestContextSource } from './requestContext.ts';
import { errorSummary, logUnexpectedError } from './unexpectedError.ts';

/** A registered agent: a factory, or a plain agent shared by every request. */
export type AgentEntry = AnyAgentFactory | Agent;

export interface ResolveRequest extends RequestContextSource {
  /** The client's raw factory input (object, JSON string or undefined); validated here. */
  factoryInput?: unknown;
  /** Skip validation and use this as `ctx.input` (a stored, already validated input). */
  validatedInput?: { value: unknown } | undefined;
  logger?: Logger | undefined;
  /** Traces and measures the resolve (see `Instrumentation`). */
  instrumentation?: Instrumentation | undefined;
}

export interface ResolvedAgent {
  readonly agent: Agent;
  readonly ctx: RequestContext;
}

const caches = new WeakMap<AnyAgentFactory, FactoryCache>();

/**
 * The one resolution pipeline every transport calls (after it has authenticated the caller and
 * checked scopes): validate the factory input → mint ids → call the factory → check it returned an
 * Agent → post-resolve (id forced to the factory id, factory db inherited).
 */
export async function resolveAgent(
  entry: AgentEntry,
  request: ResolveRequest,
): Promise<ResolvedAgent> {
  return resolveAgentNow(entry, request);
}

/**
 * `resolveAgent` for the run path: a plain agent or a sync factory's agent is returned at once
 * (no promise, no microtask turn); an async factory, a cached or instrumented resolve, a promise.
 * Throws synchronously what `resolveAgent` would reject with.
 */
export function resolveAgentNow(
  entry: AgentEntry,
  request: ResolveRequest,
): ResolvedAgent | Promise<ResolvedAgent> {
  const instrumentation = request.instrumentation;
  if (instrumentation === undefined) return resolveEntry(entry, request);
  const info = { agentId: entry.id ?? '', isFactory: !(entry instanceof Agent) };
  if (instrumentation.wrapsResolve?.(info) === false) return resolveEntry(entry, request);
  return instrumentation.resolveAgent(info, async () => resolveEntry(entry, request));
}

function resolveEntry(
  entry: AgentEntry,
  request: ResolveRequest,
): ResolvedAgent | Promise<ResolvedAgent> {
  if (entry instanceof Agent) {
    if (request.factoryInput !== undefined && request.factoryInput !== null) {
      throw new FactoryValidationError(
        (field) => `Agent '${entry.id}' is not a factory and takes no ${field}`,
        [
          {
            path: [FACTORY_INPUT_FIELD],
            message: 'This agent takes no factory input',
            code: 'unrecognized_keys',
          },
        ],
      );
    }
    return { agent: entry, ctx: contextFor(entry.id ?? '', undefined, request) };
  }
  const input = request.validatedInput
    ? request.validatedInput.value
    : parseFactoryInput(request.factoryInput, entry.inputSchema);
  const ctx = contextFor(entry.id, input, request);
  const logger = request.logger ?? consoleLogger;
  const cache = cacheFor(entry);
  const built =
    cache === undefined
      ? buildAgent(entry, ctx, logger)
      : cache.getOrBuild(cacheKey(entry, ctx, logger), async () => buildAgent(entry, ctx, logger));
  // A sync factory's agent is returned as it is: no promise, no microtask on the hot path.
  return built instanceof Agent ? { agent: built, ctx } : withContext(built, ctx);
}

async function withContext(built: Promise<Agent>, ctx: RequestContext): Promise<ResolvedAgent> {
  return { agent: await built, ctx };
}

/** Calls the factory and post-resolves; sync factories stay on the sync path (no extra awaits). */
function buildAgent(
  factory: AnyAgentFactory,
  ctx: RequestContext,
  logger: Logger,
): Agent | Promise<Agent> {
  let produced: unknown;
  try {
    produced = factory.build(ctx);
  } catch (error) {
    throw factoryFailure(factory, error, logger);
  }
  if (isPromiseLike(produced) || factory.timeoutMs !== undefined) {
    return settle(factory, produced, logger);
  }
  return postResolve(factory, produced, logger);
}

async function settle(factory: AnyAgentFactory, pending: unknown, logger: Logger): Promise<Agent> {
  let produced: unknown;
  try {
    produced =
      factory.timeoutMs === undefined ? await pending : await withTimeout(pending, factory);
  } catch (error) {
    throw factoryFailure(factory, error, logger);
  }
  return postResolve(factory, produced, logger);
}

/** Checks the factory built an Agent, then forces the factory id and fills in the factory db. */
function postResolve(factory: AnyAgentFactory, produced: unknown, logger: Logger): Agent {
  if (!(produced instanceof Agent)) {
    logger.error(`factory '${factory.id}' returned ${describe(produced)}, not an Agent`);
    throw new FactoryError(
      `Factory '${factory.id}' must return an Agent, got ${describe(produced)}`,
    );
  }
  if (produced.id === undefined || produced.id === factory.id) {
    produced.id = factory.id;
    produced.db ??= factory.db;
    return produced;
  }
  logger.warn(
    `factory '${factory.id}' built an agent with id '${produced.id}'; using '${factory.id}'`,
  );
  // The agent already belongs to someone else (e.g. a shared or registered agent): rename a copy.
  return produced.withIdentity(factory.id, produced.db ?? factory.db);
}

/**
 * What a factory throw becomes: 4xx errors the factory raised on purpose pass through (a
 * FactoryPermissionError keeps its message); anything else is FACTORY_ERROR with a generic message.
 */
function factoryFailure(factory: AnyAgentFactory, error: unknown, logger: Logger): AgentMintError {
  if (error instanceof FactoryError) {
    logger.error(`factory '${factory.id}' failed`, errorSummary(error));
    return error;
  }
  if (error instanceof AgentMintError && error.httpStatus < 500) return error;
  logUnexpectedError(logger, `factory '${factory.id}' threw`, error);
  return new FactoryError(`Factory '${factory.id}' threw: ${describe(error)}`, { cause: error });
}

function cacheKey(factory: AnyAgentFactory, ctx: RequestContext, logger: Logger): string {
  let key: string | undefined;
  try {
    key = factory.cacheKey(ctx);
  } catch (error) {
    throw factoryFailure(factory, error, logger);
  }
  if (typeof key !== 'string') {
    throw factoryFailure(factory, new TypeError(`cache.key returned ${describe(key)}`), logger);
  }
  return key;
}

function withTimeout(pending: unknown, factory: AnyAgentFactory): Promise<unknown> {
  const ms = factory.timeoutMs ?? 0;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FactoryError(`Factory '${factory.id}' timed out after ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

function cacheFor(factory: AnyAgentFactory): FactoryCache | undefined {
  if (factory.cacheTtlMs === undefined || factory.cacheMax === undefined) return undefined;
  let cache = caches.get(factory);
  if (!cache) {
    cache = new FactoryCache(factory.cacheTtlMs, factory.cacheMax);
    caches.set(factory, cache);
  }
  return cache;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
