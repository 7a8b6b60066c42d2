import type { Interrupt, ResumeEntry } from '@ag-ui/core';
import {
  AgentMintError,
  type PendingToolCall,
  type RunPausedEvent,
  type ToolExecutionInput,
} from '@agentmint/core';

/** The answer an approval interrupt expects: `approved`, and an optional note for the model. */
const APPROVAL_SCHEMA = {
  type: 'object',
  properties: { approved: { type: 'boolean' }, note: { type: 'string' } },
  required: ['approved'],
} as const;

/** The answer an external-execution interrupt expects: the tool's result, as text. */
const RESULT_SCHEMA = {
  type: 'object',
  properties: { result: { type: 'string' } },
  required: ['result'],
} as const;

/**
 * One AG-UI interrupt per tool call the paused run waits on. The id carries the AgentMint run id,
 * so the resume that answers it names the run without any lookup: `<runId>:<toolCallId>`.
 */
export function interruptsOf(event: RunPausedEvent): Interrupt[] {
  return event.tools.map((call) => ({
    id: `${event.runId}:${call.toolCallId}`,
    reason: call.externalExecutionRequired ? 'tool_execution' : 'tool_approval',
    message: promptOf(call),
    toolCallId: call.toolCallId,
    responseSchema: call.externalExecutionRequired ? { ...RESULT_SCHEMA } : { ...APPROVAL_SCHEMA },
    metadata: { agentmint: { runId: event.runId, toolName: call.toolName } },
  }));
}

function promptOf(call: PendingToolCall): string {
  return call.externalExecutionRequired
    ? `Run ${call.toolName} and send its result`
    : `Allow ${call.toolName}?`;
}

/** A resume request as the operations layer's continue: the run and a decision per tool call. */
export interface AgUiContinue {
  readonly runId: string;
  readonly tools: readonly ToolExecutionInput[];
}

/**
 * Reads AG-UI resume entries (answers to the interrupts above) as one continue. `cancelled`, or a
 * payload with `approved: false`, rejects the call; `result` (or a string payload) is an external
 * tool's result. Entries must answer interrupts of one run.
 */
export function continueFromResume(resume: readonly ResumeEntry[]): AgUiContinue {
  let runId: string | undefined;
  const tools = resume.map((entry) => {
    const separator = entry.interruptId.indexOf(':');
    const entryRunId = separator > 0 ? entry.interruptId.slice(0, separator) : '';
    const toolCallId = entry.interruptId.slice(separator + 1);
    if (entryRunId === '' || toolCallId === '') {
      throw new AgentMintError(
        'UNKNOWN_TOOL_CALL',
        `'${entry.interruptId.slice(0, 64)}' is not an interrupt of this server (<runId>:<toolCallId>)`,
      );
    }
    if (runId !== undefined && entryRunId !== runId) {
      throw new AgentMintError('INVALID_TOOLS', 'The resume entries answer interrupts of two runs');
    }
    runId = entryRunId;
    return decisionOf(toolCallId, entry);
  });
  if (runId === undefined) {
    throw new AgentMintError('INVALID_TOOLS', 'The resume has no entry');
  }
  return { runId, tools };
}

function decisionOf(toolCallId: string, entry: ResumeEntry): ToolExecutionInput {
  const payload: unknown = entry.payload;
  const fields = typeof payload === 'object' && payload !== null ? payload : {};
  const note = 'note' in fields && typeof fields.note === 'string' ? fields.note : undefined;
  if (entry.status === 'cancelled') {
    return { toolCallId, confirmed: false, confirmationNote: note };
  }
  const refused =
    payload === false ||
    ('approved' in fields && fields.approved === false) ||
    ('confirmed' in fields && fields.confirmed === false);
  const result =
    typeof payload === 'string' ? payload : 'result' in fields ? textOf(fields.result) : undefined;
  return { toolCallId, confirmed: !refused, confirmationNote: note, result };
}

/** A tool result is text for the model; structured answers go as their JSON. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
