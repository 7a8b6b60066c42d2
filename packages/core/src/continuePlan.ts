import { AgentMintError } from './errors/agentMintError.ts';
import type { PendingToolCall } from './runEvent.ts';
import type { ToolDecision } from './runLoop.ts';
import type { RunRecord } from './store.ts';

/**
 * One entry of a continue's `tools` (Agno's ToolExecution, camelCase): which pending call, and
 * `confirmed` for a call that needs confirmation or `result` for one executed by the caller.
 * Other fields a client echoes back (name, arguments) are ignored: the stored call is what runs.
 */
export interface ToolExecutionInput {
  readonly toolCallId: string;
  readonly confirmed?: boolean | undefined;
  readonly confirmationNote?: string | undefined;
  readonly result?: string | undefined;
}

/** What a continue asks for, before it is checked against the run. */
export interface ContinueAsk {
  readonly tools?: readonly ToolExecutionInput[] | undefined;
  /** A new user message: required for a COMPLETED run, appended after the tool results otherwise. */
  readonly input?: string | undefined;
}

/** A checked continue: from where the run goes on, with what. */
export interface ContinuePlan {
  readonly from: 'PAUSED' | 'COMPLETED';
  readonly pending: readonly PendingToolCall[];
  readonly decisions: ReadonlyMap<string, ToolDecision>;
  readonly input: string | undefined;
}

/**
 * Checks a continue against the run's stored state (Agno's dispatch): PAUSED + a decision for
 * every pending call resumes it; COMPLETED + `input` goes on with the conversation. Anything else
 * is refused with a stable code: tools for a run that is not paused → RUN_NOT_PAUSED (409), other
 * statuses → RUN_NOT_CONTINUABLE (409), decisions that do not fit → INVALID_TOOLS or
 * UNKNOWN_TOOL_CALL (400).
 */
export function planContinue(record: RunRecord, ask: ContinueAsk): ContinuePlan {
  const tools = ask.tools ?? [];
  const input = ask.input === '' ? undefined : ask.input;
  if (record.status === 'PAUSED' && record.pause) {
    const decisions = decide(record.pause.pending, tools);
    return { from: 'PAUSED', pending: record.pause.pending, decisions, input };
  }
  if (tools.length > 0) {
    throw new AgentMintError(
      'RUN_NOT_PAUSED',
      `Run '${record.runId}' is ${record.status}, not PAUSED: there is no tool call to decide`,
    );
  }
  if (record.status !== 'COMPLETED') {
    throw new AgentMintError(
      'RUN_NOT_CONTINUABLE',
      `Run '${record.runId}' is ${record.status}; only PAUSED and COMPLETED runs can be continued`,
    );
  }
  if (input === undefined) {
    throw new AgentMintError('BAD_REQUEST', '`input` is required to continue a completed run');
  }
  return { from: 'COMPLETED', pending: [], decisions: new Map(), input };
}

function decide(
  pending: readonly PendingToolCall[],
  tools: readonly ToolExecutionInput[],
): Map<string, ToolDecision> {
  const byId = new Map(pending.map((call) => [call.toolCallId, call]));
  const decisions = new Map<string, ToolDecision>();
  for (const tool of tools) {
    const call = byId.get(tool.toolCallId);
    if (!call) {
      throw new AgentMintError(
        'UNKNOWN_TOOL_CALL',
        `The run is not waiting on tool call '${tool.toolCallId}'`,
      );
    }
    if (decisions.has(tool.toolCallId)) {
      throw new AgentMintError('INVALID_TOOLS', `Tool call '${tool.toolCallId}' is decided twice`);
    }
    decisions.set(tool.toolCallId, decisionOf(call, tool));
  }
  const missing = pending.filter((call) => !decisions.has(call.toolCallId));
  if (missing.length > 0) {
    throw new AgentMintError(
      'INVALID_TOOLS',
      `The run waits on ${missing.map((call) => `'${call.toolCallId}' (${call.toolName})`).join(', ')}: send a decision for each`,
    );
  }
  return decisions;
}

function decisionOf(call: PendingToolCall, tool: ToolExecutionInput): ToolDecision {
  const rejected = { kind: 'rejected', note: tool.confirmationNote } as const;
  if (call.externalExecutionRequired) {
    if (tool.confirmed === false) return rejected;
    if (typeof tool.result === 'string') return { kind: 'result', result: tool.result };
    throw new AgentMintError(
      'INVALID_TOOLS',
      `Tool call '${call.toolCallId}' (${call.toolName}) runs outside the server: send its \`result\``,
    );
  }
  if (tool.confirmed === true) return { kind: 'confirmed' };
  if (tool.confirmed === false) return rejected;
  throw new AgentMintError(
    'INVALID_TOOLS',
    `Tool call '${call.toolCallId}' (${call.toolName}) needs \`confirmed\`: true or false`,
  );
}
