import type { RunEvent } from '@agentmint/core';
import { createTRPCUntypedClient } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import type { AgentClient } from './agentClient.ts';
import type { AgentClientOptions } from './agentClientOptions.ts';
import { agentLinks } from './agentLinks.ts';
import type { AgentOSPath } from './agentOSPath.ts';
import { NAMESPACE_PROCEDURES, type Namespace } from './namespaceProcedures.ts';
import { type ReconnectPolicy, reconnectPolicy } from './reconnectOptions.ts';
import { toClientError } from './toClientError.ts';
import { watchRunEvents } from './watchRunEvents.ts';

type Untyped = ReturnType<typeof createTRPCUntypedClient<AnyTRPCRouter>>;
type Caller = (input?: unknown, options?: CallOptions) => Promise<unknown>;
type CallOptions = { signal?: AbortSignal | undefined };

/**
 * Creates a typed client for an AgentOS router: `createAgentClient<AppRouter>({ url })`. When a
 * host router mounts AgentOS (`router({ ai: agentOS.router })`), pass `path: 'ai'`; the path is
 * checked against the router type. Name it as a second type argument if the host mounts several.
 */
export function createAgentClient<
  TRouter extends AnyTRPCRouter,
  const TPath extends AgentOSPath<TRouter> = AgentOSPath<TRouter>,
>(options: AgentClientOptions<TPath>): AgentClient<TRouter, TPath> {
  const untyped = createTRPCUntypedClient<AnyTRPCRouter>({ links: agentLinks(options) });
  const prefix = options.path ? `${options.path}.` : '';
  const call = (namespace: Namespace, name: string): Caller => {
    const type = (NAMESPACE_PROCEDURES[namespace] as Record<string, 'query' | 'mutation'>)[name];
    return procedureCall(untyped, type ?? 'mutation', `${prefix}${namespace}.${name}`);
  };
  const calls = (name: Namespace) =>
    Object.fromEntries(Object.keys(NAMESPACE_PROCEDURES[name]).map((p) => [p, call(name, p)]));
  const watch = runWatcher(untyped, `${prefix}runs.watch`, reconnectPolicy(options.reconnect));
  const client = {
    agents: agentsProxy(untyped, prefix, Object.freeze(calls('agents')), watch),
    runs: Object.freeze({ ...calls('runs'), watch }),
    sessions: Object.freeze(calls('sessions')),
  };
  return Object.freeze(client) as unknown as AgentClient<TRouter, TPath>;
}

/** A query or mutation as a plain async function that rejects with `AgentMintClientError`. */
function procedureCall(untyped: Untyped, type: 'query' | 'mutation', path: string): Caller {
  return (input, callOptions) =>
    untyped[type](
      path,
      input,
      callOptions?.signal ? { signal: callOptions.signal } : undefined,
    ).catch((error: unknown) => {
      throw toClientError(error, callOptions?.signal);
    });
}

type Watch = (
  input: { runId: string; lastEventId?: string | null | undefined },
  options?: CallOptions,
) => AsyncGenerator<RunEvent, void, undefined>;

/** `runs.watch`: a subscription per connection, each resuming after the last event received. */
function runWatcher(untyped: Untyped, path: string, reconnect: ReconnectPolicy): Watch {
  return (input, watchOptions) =>
    watchRunEvents(
      (lastEventId, callbacks) =>
        untyped.subscription(path, lastEventId ? { ...input, lastEventId } : input, callbacks),
      { lastEventId: input.lastEventId, signal: watchOptions?.signal, reconnect },
    );
}

/** `agents.list/get`, and a run/start/stream handle for any other key (agent ids cannot be list/get). */
function agentsProxy(
  untyped: Untyped,
  prefix: string,
  calls: Readonly<Record<string, unknown>>,
  watch: Watch,
) {
  const handles = new Map<string, unknown>();
  return new Proxy(calls, {
    get(target, key) {
      if (typeof key !== 'string' || key === 'then') return undefined;
      if (Object.hasOwn(target, key)) return target[key];
      let handle = handles.get(key);
      if (!handle) {
        handle = agentHandle(untyped, `${prefix}agents.${key}`, watch);
        handles.set(key, handle);
      }
      return handle;
    },
  });
}

function agentHandle(untyped: Untyped, path: string, watch: Watch) {
  const start = procedureCall(untyped, 'mutation', `${path}.start`);
  return Object.freeze({
    run: procedureCall(untyped, 'mutation', `${path}.run`),
    start,
    // Only the POST starts the run; every (re)connection after it is a watch.
    stream: async function* (input: unknown, options?: CallOptions) {
      if (options?.signal?.aborted) return;
      let runId: string;
      try {
        ({ runId } = (await start(input, options)) as { runId: string });
      } catch (error) {
        if (options?.signal?.aborted) return;
        throw error;
      }
      yield* watch({ runId }, options);
    },
  });
}
