import {
  AgentMintError,
  type Attachment,
  attachmentUrl,
  type Message,
  type ToolSpec,
} from '@agentmint/core';
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
  if (message.role === 'user' && message.attachments) {
    return { role: 'user', content: toChatContent(message.content, message.attachments) };
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

/** A user message with images and files as Chat content parts: text, image_url, file. */
function toChatContent(
  text: string,
  attachments: readonly Attachment[],
): OpenAI.Chat.ChatCompletionContentPart[] {
  return [
    { type: 'text', text },
    ...attachments.map((a): OpenAI.Chat.ChatCompletionContentPart => {
      if (a.kind === 'image') return { type: 'image_url', image_url: { url: attachmentUrl(a) } };
      if (a.url !== undefined) {
        // Chat Completions has no file URLs; failing beats sending the message without the file.
        throw new AgentMintError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Chat Completions takes files inline (base64), not by URL; send the file data',
        );
      }
      return {
        type: 'file',
        file: { file_data: attachmentUrl(a), filename: a.filename ?? 'file' },
      };
    }),
  ];
}
