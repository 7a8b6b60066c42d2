import { createTRPCUntypedClient } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import type { AgentClient } from './agentClient.ts';
import type { AgentClientOptions } from './agentClientOptions.ts';
import { agentLinks } from './agentLinks.ts';
import type { AgentOSPath } from './agentOSPath.ts';
import { NAMESPACE_PROCEDURES, type Namespace } from './namespaceProcedures.ts';
import { runEventStream } from './runEventStream.ts';
import { toClientError } from './toClientError.ts';

type Untyped = ReturnType<typeof createTRPCUntypedClient<AnyTRPCRouter>>;
type Caller = (input?: unknown, options?: { signal?: AbortSignal | undefined }) => Promise<unknown>;

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
    const path = `${prefix}${namespace}.${name}`;
    return (input, callOptions) =>
      untyped[type === 'query' ? 'query' : 'mutation'](
        path,
        input,
        callOptions?.signal ? { signal: callOptions.signal } : undefined,
      ).catch((error: unknown) => {
        throw toClientError(error, callOptions?.signal);
      });
  };
  const namespace = (name: Namespace) =>
    Object.freeze(
      Object.fromEntries(Object.keys(NAMESPACE_PROCEDURES[name]).map((p) => [p, call(name, p)])),
    );
  const client = {
    agents: agentsProxy(untyped, prefix, namespace('agents')),
    runs: namespace('runs'),
    sessions: namespace('sessions'),
  };
  return Object.freeze(client) as unknown as AgentClient<TRouter, TPath>;
}

/** `agents.list/get`, and a run/stream handle for any other key (agent ids cannot be list/get). */
function agentsProxy(untyped: Untyped, prefix: string, calls: Readonly<Record<string, unknown>>) {
  const handles = new Map<string, unknown>();
  return new Proxy(calls, {
    get(target, key) {
      if (typeof key !== 'string' || key === 'then') return undefined;
      if (Object.hasOwn(target, key)) return target[key];
      let handle = handles.get(key);
      if (!handle) {
        handle = agentHandle(untyped, `${prefix}agents.${key}`);
        handles.set(key, handle);
      }
      return handle;
    },
  });
}

function agentHandle(untyped: Untyped, path: string) {
  return Object.freeze({
    run: (input: unknown, options?: { signal?: AbortSignal | undefined }) =>
      untyped
        .mutation(`${path}.run`, input, options?.signal ? { signal: options.signal } : undefined)
        .catch((error: unknown) => {
          throw toClientError(error, options?.signal);
        }),
    stream: (input: unknown, options?: { signal?: AbortSignal | undefined }) =>
      runEventStream(
        (callbacks) => untyped.subscription(`${path}.stream`, input, callbacks),
        options?.signal,
      ),
  });
}
