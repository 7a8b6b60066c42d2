import type { RunOutput } from '@agentmint/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PublicError } from '../errorMapping.ts';

/** A finished run as an MCP tool result: its answer as text; an unfinished run is a tool error. */
export function runToolResult(output: RunOutput): CallToolResult {
  if (output.status === 'COMPLETED') {
    const structured = output.output;
    return {
      content: [{ type: 'text', text: output.content ?? '' }],
      // An agent with an outputSchema answers a validated object: MCP clients get it as is.
      ...(isRecord(structured) && { structuredContent: structured }),
      _meta: { agentmint: { runId: output.runId, sessionId: output.sessionId } },
    };
  }
  if (output.status === 'PAUSED') return pausedToolResult(output);
  const detail = output.error?.message ?? `The run ended ${output.status}`;
  return errorToolResult({
    code: output.error?.code ?? output.status,
    detail,
    runId: output.runId,
    sessionId: output.sessionId,
  });
}

/**
 * A run waiting for decisions the client could not be asked for (no elicitation): a tool error
 * naming the calls, so the run can be continued over REST or tRPC.
 */
function pausedToolResult(output: RunOutput): CallToolResult {
  const pending = output.pendingTools ?? [];
  const names = pending.map((call) => `${call.toolName} (${call.toolCallId})`).join(', ');
  return errorToolResult({
    code: 'RUN_PAUSED',
    detail: `The run waits for a human on ${names}; this client cannot be asked (no elicitation). Continue run ${output.runId} over REST (/continue) or tRPC (runs.continue).`,
    runId: output.runId,
    sessionId: output.sessionId,
    pendingTools: pending,
  });
}

/**
 * A refused or failed call as a tool error (never a protocol error, so the calling model can read
 * it and correct its input): the public error as JSON text and as structured content.
 */
export function publicErrorToolResult(error: PublicError): CallToolResult {
  return errorToolResult({
    code: error.code,
    detail: error.message,
    ...(error.issues && { issues: error.issues }),
  });
}

function errorToolResult(body: Record<string, unknown>): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: JSON.stringify(body) }],
    structuredContent: body,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
