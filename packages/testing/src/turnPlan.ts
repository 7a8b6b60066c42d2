import type { ModelUsage, ToolCall } from '@agentmint/core';
import { estimateUsage } from './estimateUsage.ts';
import { splitText } from './splitText.ts';
import { isToolCallsTurn, type TextTurn, type ToolCallsTurn, type TurnRequest } from './turn.ts';

/** A text or tool-call turn made concrete: the deltas to send, the calls with ids, the usage. */
export interface TurnPlan {
  readonly text: string;
  /** The text cut into deltas; empty when the turn says nothing. */
  readonly deltas: readonly string[];
  readonly toolCalls: readonly ToolCall[];
  readonly delayMs: number;
  readonly usage: ModelUsage;
}

export function planTurn(
  turn: TextTurn | ToolCallsTurn,
  request: TurnRequest,
  nextCallId: () => string,
): TurnPlan {
  const text = turn.text ?? '';
  const toolCalls: ToolCall[] = isToolCallsTurn(turn)
    ? turn.toolCalls.map((call) => ({
        id: call.id ?? nextCallId(),
        name: call.name,
        arguments: argumentsText(call.arguments),
      }))
    : [];
  return {
    text,
    deltas: text === '' ? [] : splitText(text, turn.deltas),
    toolCalls,
    delayMs: turn.delayMs ?? 0,
    usage: turn.usage ?? estimateUsage(request.messages, text),
  };
}

function argumentsText(value: unknown): string {
  if (value === undefined) return '{}';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
