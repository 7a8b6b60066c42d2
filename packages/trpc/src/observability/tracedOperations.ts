import { type Span, trace } from '@opentelemetry/api';
import type { AgentOperations } from '../operations/agentOperations.ts';
import type { AgentOSTracing } from './agentOSTracing.ts';
import { ATTR } from './attributes.ts';

/** The reads and session changes that get a span; runs have their own (`invoke_agent`). */
const TRACED = [
  'getRun',
  'cancelRun',
  'getSessionRun',
  'listSessions',
  'countSessions',
  'getSession',
  'createSession',
  'updateSession',
  'renameSession',
  'forkSession',
  'deleteSession',
] as const satisfies readonly (keyof AgentOperations)[];

type Operation = (...args: unknown[]) => Promise<unknown>;

// Operations call each other (getSessionRun reads the run): only the outermost gets a span.
const operationSpans = new WeakSet<Span>();

function insideOperation(): boolean {
  const active = trace.getActiveSpan();
  return active !== undefined && operationSpans.has(active);
}

/**
 * Wraps the operations' reads and session changes in an `agentmint.<operation>` span (e.g.
 * `agentmint.getSession`) under the request's span, with the run and session ids asked about. No
 * SDK registered: one property check per call, nothing else.
 */
export function traceOperations(operations: AgentOperations, tracing: AgentOSTracing): void {
  for (const name of TRACED) {
    const call = (operations[name] as Operation).bind(operations);
    const spanName = `agentmint.${name}`;
    const traced: Operation = (...args) => {
      if (!tracing.live || insideOperation()) return call(...args);
      return tracing.inSpan(spanName, requestIds(name, args[1]), (span) => {
        operationSpans.add(span);
        return call(...args);
      });
    };
    Object.defineProperty(operations, name, { value: traced, configurable: true, writable: true });
  }
}

/** The operation's name and the ids in its request (ids only: never names, filters or text). */
function requestIds(name: string, request: unknown): Record<string, string> {
  const attributes: Record<string, string> = { [ATTR.operation]: name };
  if (typeof request !== 'object' || request === null) return attributes;
  const { runId, sessionId } = request as { runId?: unknown; sessionId?: unknown };
  if (typeof runId === 'string') attributes[ATTR.runId] = runId;
  if (typeof sessionId === 'string') attributes[ATTR.sessionId] = sessionId;
  return attributes;
}
