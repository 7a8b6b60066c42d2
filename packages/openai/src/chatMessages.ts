import type { Message, ToolSpec } from '@agentmint/core';
import type OpenAI from 'openai';

type ChatCompletionMessageParam = OpenAI.Chat.ChatCompletionMessageParam;

/** Core messages as Chat Completions messages. */
export function toChatMessages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  return messages.map(toChatMessage);
}

function toChatMessage(message: Message): ChatCompletionMessageParam {
  if (message.role === 'tool') {
    return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
  if (message.role !== 'assistant') return { role: message.role, content: message.content };
  if (!message.toolCalls || message.toolCalls.length === 0) {
    return { role: 'assistant', content: message.content ?? '' };
  }
  return {
    role: 'assistant',
    content: message.content || null,
    tool_calls: message.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}

/** Tool specs as Chat Completions function tools. */
export function toChatTools(tools: readonly ToolSpec[]): OpenAI.Chat.ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description,
      parameters: { ...tool.parameters },
    },
  }));
}
