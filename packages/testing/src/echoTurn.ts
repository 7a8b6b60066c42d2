import type { Message } from '@agentmint/core';
import { sampleFromSchema } from './schemaSample.ts';
import type { TextTurn, ToolCallsTurn, TurnRequest } from './turn.ts';

/** `/call <tool> <json args>`: how a demo without a model key makes the echo model call a tool. */
const CALL_COMMAND = /^\/call\s+([A-Za-z0-9_-]{1,64})(?:\s+([\s\S]*))?$/;

/**
 * The echo fallback: repeats the last user message, as structured output when a schema is asked
 * for. A user message `/call <tool> <json>` naming an offered tool makes it call that tool first,
 * then echo the tool's result, so tools (and approvals) can be tried with no model at all.
 */
export function echoTurn(request: TurnRequest): TextTurn | ToolCallsTurn {
  const last = request.messages.at(-1);
  if (last?.role === 'user') {
    const call = CALL_COMMAND.exec(last.content.trim());
    const name = call?.[1];
    if (name !== undefined && request.tools.some((tool) => tool.name === name)) {
      return { toolCalls: [{ name, arguments: parseArguments(call?.[2]) }] };
    }
  }
  const text = last?.role === 'tool' ? toolResults(request.messages) : lastUserMessage(request);
  const echo = `echo: ${text}`;
  if (request.responseFormat === undefined) return { text: echo };
  return { text: JSON.stringify(sampleFromSchema(request.responseFormat.schema, echo)) };
}

function parseArguments(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the tool's own validation answers, as it would for a model's bad arguments.
    return text;
  }
}

/** The results of the tool calls that ended the conversation, oldest first. */
function toolResults(messages: readonly Message[]): string {
  const results: string[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'tool') break;
    results.unshift(message.content);
  }
  return results.join('\n');
}

function lastUserMessage(request: TurnRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}
