import type { PendingToolCall, ToolExecutionInput } from '@agentmint/core';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type ElicitRequest,
  ElicitResultSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Asks the MCP client's user (elicitation, on the tool call's own stream) to decide each tool call
 * a paused run waits on: accept approves (or carries an external tool's `result`), decline or
 * cancel rejects, and the model is told so.
 */
export async function elicitDecisions(
  pending: readonly PendingToolCall[],
  extra: Extra,
): Promise<ToolExecutionInput[]> {
  const decisions: ToolExecutionInput[] = [];
  for (const call of pending) {
    const answer = await extra.sendRequest(elicitationFor(call), ElicitResultSchema, {
      signal: extra.signal,
    });
    const content = answer.content ?? {};
    const note = typeof content.note === 'string' && content.note !== '' ? content.note : undefined;
    if (answer.action !== 'accept') {
      decisions.push({ toolCallId: call.toolCallId, confirmed: false, confirmationNote: note });
      continue;
    }
    const result = typeof content.result === 'string' ? content.result : undefined;
    decisions.push({
      toolCallId: call.toolCallId,
      confirmed: true,
      confirmationNote: note,
      result,
    });
  }
  return decisions;
}

function elicitationFor(call: PendingToolCall): ElicitRequest {
  const args = JSON.stringify(call.toolArgs ?? {});
  if (call.externalExecutionRequired) {
    return {
      method: 'elicitation/create',
      params: {
        message: `The agent needs the result of ${call.toolName}(${args}), which runs on your side.`,
        requestedSchema: {
          type: 'object',
          properties: {
            result: { type: 'string', title: 'Result', description: 'What it returned' },
          },
          required: ['result'],
        },
      },
    };
  }
  return {
    method: 'elicitation/create',
    params: {
      message: `The agent wants to call ${call.toolName}(${args}). Accept to allow it, decline to refuse.`,
      requestedSchema: {
        type: 'object',
        properties: {
          note: { type: 'string', title: 'Note for the agent', description: 'Optional' },
        },
      },
    },
  };
}
