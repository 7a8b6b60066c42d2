import { type Attachment, attachmentUrl, type Message, type ToolSpec } from '@agentmint/core';
import type OpenAI from 'openai';

type ResponseInputItem = OpenAI.Responses.ResponseInputItem;

/** Core messages as Responses API input items; tool calls and results become their own items. */
export function toResponsesInput(messages: readonly Message[]): ResponseInputItem[] {
  const input: ResponseInputItem[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        input.push({ role: message.role, content: message.content });
        break;
      case 'user':
        input.push(
          message.attachments
            ? { role: 'user', content: toResponsesContent(message.content, message.attachments) }
            : { role: 'user', content: message.content },
        );
        break;
      case 'assistant':
        if (message.content) input.push({ role: 'assistant', content: message.content });
        for (const call of message.toolCalls ?? []) {
          // No item `id`: with one, reasoning models also demand the reasoning item before it.
          input.push({
            type: 'function_call',
            call_id: call.id,
            name: call.name,
            arguments: call.arguments,
          });
        }
        break;
      case 'tool':
        input.push({
          type: 'function_call_output',
          call_id: message.toolCallId,
          output: message.content,
        });
        break;
    }
  }
  return input;
}

/** Tool specs as Responses function tools; not strict, since zod schemas rarely meet strict mode's rules. */
export function toResponsesTools(tools: readonly ToolSpec[]): OpenAI.Responses.FunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: { ...tool.parameters },
    strict: false,
  }));
}

/** A user message with images and files as Responses content parts: input_text, input_image, input_file. */
function toResponsesContent(
  text: string,
  attachments: readonly Attachment[],
): OpenAI.Responses.ResponseInputMessageContentList {
  return [
    { type: 'input_text', text },
    ...attachments.map((a): OpenAI.Responses.ResponseInputContent => {
      if (a.kind === 'image')
        return { type: 'input_image', image_url: attachmentUrl(a), detail: 'auto' };
      return a.url !== undefined
        ? { type: 'input_file', file_url: a.url }
        : { type: 'input_file', file_data: attachmentUrl(a), filename: a.filename ?? 'file' };
    }),
  ];
}
