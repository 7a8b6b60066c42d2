import type { AssistantMessage, Message, ToolCall, ToolSpec } from '@agentmint/core';
import { splitText } from './splitText.ts';
import type { TurnPlan } from './turnPlan.ts';
import { type SseFrame, type WireApi, type WireRequest, WireRequestError } from './wireApi.ts';
import { contentAttachments } from './wireAttachments.ts';
import { contentText, isRecord, optionalString, requireArray, requireString } from './wireJson.ts';
import { parseJsonSchemaFormat } from './wireResponseFormat.ts';

/** `POST /v1/responses`: the OpenAI Responses API, JSON and SSE with its named events. */
export const responsesWire: WireApi = {
  name: 'responses',

  parse(body) {
    const model = requireString(body.model, 'model');
    const messages: Message[] = [];
    const instructions = optionalString(body.instructions, 'instructions');
    if (instructions) messages.push({ role: 'system', content: instructions });
    if (typeof body.input === 'string') {
      messages.push({ role: 'user', content: body.input });
    } else {
      const toolNames = new Map<string, string>();
      requireArray(body.input, 'input').forEach((item, i) => {
        addInputItem(messages, toolNames, item, `input[${i}]`);
      });
    }
    const tools: ToolSpec[] = [];
    for (const tool of body.tools === undefined ? [] : requireArray(body.tools, 'tools')) {
      if (!isRecord(tool) || tool.type !== 'function') continue;
      tools.push({
        name: requireString(tool.name, 'tools[].name'),
        description: optionalString(tool.description, 'tools[].description') ?? '',
        parameters: isRecord(tool.parameters) ? tool.parameters : {},
      });
    }
    const text = isRecord(body.text) ? body.text : {};
    const responseFormat = parseJsonSchemaFormat(text.format, 'text.format');
    return {
      model,
      stream: body.stream === true,
      includeUsage: true,
      messages,
      tools,
      ...(responseFormat && { responseFormat }),
    };
  },

  json(plan, request, mintId) {
    const output: unknown[] = [];
    if (plan.text !== '') output.push(messageItem(mintId('msg_'), plan.text, 'completed'));
    for (const call of plan.toolCalls) {
      output.push(functionCallItem(mintId('fc_'), call, call.arguments, 'completed'));
    }
    return responseObject(mintId('resp_'), request, 'completed', output, plan);
  },

  *frames(plan, request, mintId) {
    let sequence = 0;
    const frame = (type: string, fields: object, delta = false): SseFrame => ({
      event: type,
      data: JSON.stringify({ type, ...fields, sequence_number: sequence++ }),
      delta,
    });
    const responseId = mintId('resp_');
    const started = responseObject(responseId, request, 'in_progress', [], undefined);
    yield frame('response.created', { response: started });
    yield frame('response.in_progress', { response: started });
    const output: unknown[] = [];

    if (plan.text !== '') {
      const id = mintId('msg_');
      const at = { item_id: id, output_index: output.length, content_index: 0 };
      yield frame('response.output_item.added', {
        output_index: output.length,
        item: messageItem(id, '', 'in_progress'),
      });
      yield frame('response.content_part.added', { ...at, part: textPart('') });
      for (const delta of plan.deltas) {
        yield frame('response.output_text.delta', { ...at, delta, logprobs: [] }, true);
      }
      yield frame('response.output_text.done', { ...at, text: plan.text, logprobs: [] });
      yield frame('response.content_part.done', { ...at, part: textPart(plan.text) });
      const item = messageItem(id, plan.text, 'completed');
      yield frame('response.output_item.done', { output_index: output.length, item });
      output.push(item);
    }

    for (const call of plan.toolCalls) {
      const id = mintId('fc_');
      const at = { item_id: id, output_index: output.length };
      yield frame('response.output_item.added', {
        output_index: output.length,
        item: functionCallItem(id, call, '', 'in_progress'),
      });
      for (const delta of splitText(call.arguments, 2)) {
        yield frame('response.function_call_arguments.delta', { ...at, delta }, true);
      }
      yield frame('response.function_call_arguments.done', {
        ...at,
        name: call.name,
        arguments: call.arguments,
      });
      const item = functionCallItem(id, call, call.arguments, 'completed');
      yield frame('response.output_item.done', { output_index: output.length, item });
      output.push(item);
    }

    const completed = responseObject(responseId, request, 'completed', output, plan);
    yield frame('response.completed', { response: completed });
  },
};

function addInputItem(
  messages: Message[],
  toolNames: Map<string, string>,
  item: unknown,
  field: string,
): void {
  if (!isRecord(item)) throw new WireRequestError(`'${field}' must be an object`);
  if (item.type === 'function_call') {
    const call: ToolCall = {
      id: requireString(item.call_id, `${field}.call_id`),
      name: requireString(item.name, `${field}.name`),
      arguments: requireString(item.arguments, `${field}.arguments`),
    };
    toolNames.set(call.id, call.name);
    const last = messages.at(-1);
    // Calls that follow an assistant item belong to the same assistant turn.
    if (last?.role === 'assistant') {
      const merged: AssistantMessage = { ...last, toolCalls: [...(last.toolCalls ?? []), call] };
      messages[messages.length - 1] = merged;
    } else {
      messages.push({ role: 'assistant', content: null, toolCalls: [call] });
    }
    return;
  }
  if (item.type === 'function_call_output') {
    const toolCallId = requireString(item.call_id, `${field}.call_id`);
    messages.push({
      role: 'tool',
      toolCallId,
      toolName: toolNames.get(toolCallId) ?? '',
      content: contentText(item.output, `${field}.output`),
    });
    return;
  }
  if (item.type !== undefined && item.type !== 'message') {
    throw new WireRequestError(`'${field}.type' ${String(item.type)} is not supported`);
  }
  const content = contentText(item.content, `${field}.content`);
  switch (item.role) {
    case 'system':
    case 'developer':
      messages.push({ role: 'system', content });
      return;
    case 'user': {
      const attachments = contentAttachments(item.content, `${field}.content`);
      messages.push(
        attachments.length > 0 ? { role: 'user', content, attachments } : { role: 'user', content },
      );
      return;
    }
    case 'assistant':
      messages.push({ role: 'assistant', content });
      return;
    default:
      throw new WireRequestError(`'${field}.role' must be system, developer, user or assistant`);
  }
}

type ItemStatus = 'in_progress' | 'completed';

function textPart(text: string) {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function messageItem(id: string, text: string, status: ItemStatus) {
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: text === '' ? [] : [textPart(text)],
  };
}

function functionCallItem(id: string, call: ToolCall, args: string, status: ItemStatus) {
  return { id, type: 'function_call', status, call_id: call.id, name: call.name, arguments: args };
}

function responseObject(
  id: string,
  request: WireRequest,
  status: ItemStatus,
  output: unknown[],
  plan: TurnPlan | undefined,
) {
  const usage = plan?.usage;
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    model: request.model,
    output,
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: 'auto',
    tools: request.tools.map((tool) => ({ type: 'function', strict: false, ...tool })),
    top_p: 1,
    text: { format: { type: 'text' } },
    truncation: 'disabled',
    usage: usage
      ? {
          input_tokens: usage.inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: usage.outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: usage.inputTokens + usage.outputTokens,
        }
      : null,
  };
}
