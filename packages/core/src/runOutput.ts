import type { Message } from './message.ts';
import type { PendingToolCall } from './runEvent.ts';
import type { RunMetrics } from './runMetrics.ts';
import type { RunErrorInfo, RunRecord, RunStatus } from './store.ts';

/**
 * The result of a run, as `agents[id].run` returns it (camelCase; REST renders it snake_case).
 * `TOutput` is the agent's structured output type (`z.output` of its `outputSchema`).
 */
export interface RunOutput<TOutput = unknown> {
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
  readonly userId: string | null;
  readonly status: RunStatus;
  readonly content: string | null;
  /** The validated structured answer of an agent with an `outputSchema`; null otherwise. */
  readonly output: TOutput | null;
  /** Agno's content type for plain text answers. */
  readonly contentType: 'str';
  readonly model: string | null;
  readonly modelProvider: string | null;
  readonly metrics: RunMetrics | null;
  readonly error: RunErrorInfo | null;
  readonly messages: readonly Message[];
  readonly createdAt: Date;
  /** Present while PAUSED: the tool calls waiting for a decision or an external result. */
  readonly pendingTools?: readonly PendingToolCall[];
}

export function toRunOutput(record: RunRecord): RunOutput {
  return {
    runId: record.runId,
    sessionId: record.sessionId,
    agentId: record.agentId,
    userId: record.userId,
    status: record.status,
    content: record.content,
    output: record.output,
    contentType: 'str',
    model: record.model,
    modelProvider: record.modelProvider,
    metrics: record.metrics,
    error: record.error,
    messages: record.messages,
    createdAt: record.createdAt,
    ...(record.status === 'PAUSED' && record.pause && { pendingTools: record.pause.pending }),
  };
}
