import { Agent } from './agent.ts';
import type { AnyAgentFactory } from './agentFactory.ts';
import { AgentMintError } from './errors/agentMintError.ts';
import { FactoryError } from './errors/factoryError.ts';
import { FactoryValidationError } from './errors/factoryValidationError.ts';
import { FactoryCache } from './factoryCache.ts';
import { parseFactoryInput } from './factoryInput.ts';
import { consoleLogger, type Logger } from './logger.ts';
import {
  createRequestContext,
  type RequestContext,
  type TrustedContext,
} from './requestContext.ts';

/** A registered agent: a factory, or a plain agent shared by every request. */
export type AgentEntry = AnyAgentFactory | Agent;

export interface ResolveRequest {
  userId?: string | undefined;
  sessionId?: string | undefined;
  runId?: string | undefined;
  /** The client's raw factory input (object, JSON string or undefined); validated here. */
  factoryInput?: unknown;
  /** Skip validation and use this as `ctx.input` (a stored, already validated input). */
  validatedInput?: { value: unknown };
  trusted?: TrustedContext;
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  logger?: Logger;
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
  if (entry instanceof Agent) {
    if (request.factoryInput !== undefined && request.factoryInput !== null) {
      throw new FactoryValidationError(
        `Agent '${entry.id}' is not a factory and takes no factoryInput`,
        [
          {
            path: ['factoryInput'],
            message: 'This agent takes no factoryInput',
            code: 'unrecognized_keys',
          },
        ],
      );
    }
    return { agent: entry, ctx: createContext(entry.id ?? '', undefined, request) };
  }
  const input = request.validatedInput
    ? request.validatedInput.value
    : parseFactoryInput(request.factoryInput, entry.inputSchema);
  const ctx = createContext(entry.id, input, request);
  const cacheKey = entry.cacheKey(ctx);
  const cache = cacheKey === undefined ? undefined : cacheFor(entry);
  const cached = cacheKey === undefined ? undefined : cache?.get(cacheKey);
  if (cached) return { agent: cached, ctx };

  const agent = await buildAgent(entry, ctx, request.logger ?? consoleLogger);
  if (cache && cacheKey !== undefined) cache.set(cacheKey, agent);
  return { agent, ctx };
}

function createContext(agentId: string, input: unknown, request: ResolveRequest): RequestContext {
  return createRequestContext({
    agentId,
    userId: request.userId,
    sessionId: request.sessionId,
    runId: request.runId,
    input,
    ...(request.trusted && { trusted: request.trusted }),
    ...(request.headers && { headers: request.headers }),
    ...(request.signal && { signal: request.signal }),
  });
}

async function buildAgent(
  factory: AnyAgentFactory,
  ctx: RequestContext,
  logger: Logger,
): Promise<Agent> {
  let produced: unknown;
  try {
    const pending = factory.build(ctx);
    produced =
      factory.timeoutMs === undefined ? await pending : await withTimeout(pending, factory);
  } catch (error) {
    if (error instanceof AgentMintError) {
      if (error.httpStatus >= 500) logger.error(`factory '${factory.id}' failed`, { error });
      throw error;
    }
    logger.error(`factory '${factory.id}' threw`, { error });
    throw new FactoryError(`Factory '${factory.id}' threw: ${describe(error)}`, { cause: error });
  }
  if (!(produced instanceof Agent)) {
    logger.error(`factory '${factory.id}' returned ${describe(produced)}, not an Agent`);
    throw new FactoryError(
      `Factory '${factory.id}' must return an Agent, got ${describe(produced)}`,
    );
  }
  if (produced.id !== undefined && produced.id !== factory.id) {
    logger.warn(
      `factory '${factory.id}' built an agent with id '${produced.id}'; using '${factory.id}'`,
    );
  }
  produced.id = factory.id;
  produced.db ??= factory.db;
  return produced;
}

function withTimeout<T>(pending: T | Promise<T>, factory: AnyAgentFactory): Promise<T> {
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

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
