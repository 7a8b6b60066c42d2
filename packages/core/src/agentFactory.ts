import type { z } from 'zod';
import type { Agent } from './agent.ts';
import { assertValidAgentId } from './agentId.ts';
import type { RequestContext } from './requestContext.ts';
import type { Store } from './store.ts';
import { type ToolBuilder, tool } from './tool.ts';

/** `ctx.input` of a factory: the schema's output type, or `unknown` without a schema. */
export type FactoryInputOf<TSchema extends z.ZodType | undefined> = TSchema extends z.ZodType
  ? z.output<TSchema>
  : unknown;

/** Opt-in reuse of built agents for requests that map to the same key. */
export interface FactoryCacheOptions<TInput> {
  key: (ctx: RequestContext<TInput>) => string;
  ttlMs: number;
  max: number;
}

/** What a factory builds: an agent whose output schema (hence `run.output` type) is `TOutputSchema`. */
export type BuiltAgent<TOutputSchema extends z.ZodType | undefined> = Agent<
  string | undefined,
  TOutputSchema
>;

/** What a factory gets beside `ctx`: helpers typed by its input schema. */
export interface FactoryHelpers<TInput> {
  /** `tool()` whose `execute` sees `ctx.input` typed by the factory's schema. */
  readonly tool: ToolBuilder<TInput>;
}

const HELPERS: FactoryHelpers<never> = Object.freeze({ tool: tool as ToolBuilder<never> });

export interface AgentFactoryOptions<
  TId extends string,
  TSchema extends z.ZodType | undefined,
  TOutputSchema extends z.ZodType | undefined = z.ZodType | undefined,
> {
  id: TId;
  db: Store;
  factory: (
    ctx: RequestContext<FactoryInputOf<TSchema>>,
    helpers: FactoryHelpers<FactoryInputOf<TSchema>>,
  ) => BuiltAgent<TOutputSchema> | Promise<BuiltAgent<TOutputSchema>>;
  name?: string;
  description?: string;
  inputSchema?: TSchema;
  /** Fail with FACTORY_ERROR when the factory takes longer than this. */
  timeoutMs?: number;
  cache?: FactoryCacheOptions<FactoryInputOf<TSchema>>;
}

/**
 * A registered callable that builds a fresh Agent for every request. `TOutputSchema` is inferred
 * from the agents the factory returns, so `run.output` is typed for clients.
 */
export class AgentFactory<
  const TId extends string = string,
  TSchema extends z.ZodType | undefined = undefined,
  TOutputSchema extends z.ZodType | undefined = z.ZodType | undefined,
> {
  readonly kind = 'factory' as const;
  readonly id: TId;
  readonly db: Store;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly inputSchema: TSchema;
  readonly timeoutMs: number | undefined;
  readonly cacheTtlMs: number | undefined;
  readonly cacheMax: number | undefined;
  readonly #factory: (
    ctx: RequestContext<FactoryInputOf<TSchema>>,
    helpers: FactoryHelpers<FactoryInputOf<TSchema>>,
  ) => BuiltAgent<TOutputSchema> | Promise<BuiltAgent<TOutputSchema>>;
  readonly #cacheKey: ((ctx: RequestContext<FactoryInputOf<TSchema>>) => string) | undefined;

  constructor(options: AgentFactoryOptions<TId, TSchema, TOutputSchema>) {
    assertValidAgentId(options.id, 'AgentFactory');
    if (!options.db) throw new TypeError(`AgentFactory '${options.id}' needs a db`);
    if (typeof options.factory !== 'function') {
      throw new TypeError(`AgentFactory '${options.id}' needs a factory function`);
    }
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
      throw new TypeError(`AgentFactory '${options.id}': timeoutMs must be a positive number`);
    }
    if (options.cache && !(options.cache.ttlMs > 0 && options.cache.max > 0)) {
      throw new TypeError(`AgentFactory '${options.id}': cache needs positive ttlMs and max`);
    }
    this.id = options.id;
    this.db = options.db;
    this.name = options.name;
    this.description = options.description;
    this.inputSchema = options.inputSchema as TSchema;
    this.timeoutMs = options.timeoutMs;
    this.cacheTtlMs = options.cache?.ttlMs;
    this.cacheMax = options.cache?.max;
    this.#factory = options.factory;
    this.#cacheKey = options.cache?.key;
  }

  /** Calls the user's factory. Use `resolveAgent` instead: it validates input and post-resolves. */
  build(
    ctx: RequestContext<FactoryInputOf<TSchema>>,
  ): BuiltAgent<TOutputSchema> | Promise<BuiltAgent<TOutputSchema>> {
    // The helpers only differ in their types; at run time every factory shares one frozen object.
    return this.#factory(ctx, HELPERS as FactoryHelpers<FactoryInputOf<TSchema>>);
  }

  /** The cache key for this request, or undefined when caching is off. */
  cacheKey(ctx: RequestContext<FactoryInputOf<TSchema>>): string | undefined {
    return this.#cacheKey?.(ctx);
  }
}

/** Any factory, whatever its id and schema. */
export type AnyAgentFactory = AgentFactory<string, z.ZodType | undefined, z.ZodType | undefined>;
