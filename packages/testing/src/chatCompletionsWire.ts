import type { Message, ToolCall, ToolSpec } from '@agentmint/core';
import { splitText } from './splitText.ts';
import type { TurnPlan } from './turnPlan.ts';
import { type SseFrame, type WireApi, WireRequestError } from './wireApi.ts';
import { contentAttachments } from './wireAttachments.ts';
import { contentText, isRecord, optionalString, requireArray, requireString } from './wireJson.ts';
import { parseJsonSchemaFormat } from './wireResponseFormat.ts';

/** `POST /v1/chat/completions`: JSON, or SSE `data:` chunks ending in `[DONE]`. */
export const chatCompletionsWire: WireApi = {
  name: 'chat',

  parse(body) {
    const model = requireString(body.model, 'model');
    const toolNames = new Map<string, string>();
    const messages = requireArray(body.messages, 'messages').map((message, i) =>
      toMessage(message, toolNames, `messages[${i}]`),
    );
    const tools: ToolSpec[] = [];
    for (const tool of body.tools === undefined ? [] : requireArray(body.tools, 'tools')) {
      if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) continue;
      const fn = tool.function;
      tools.push({
        name: requireString(fn.name, 'tools[].function.name'),
        description: optionalString(fn.description, 'tools[].function.description') ?? '',
        parameters: isRecord(fn.parameters) ? fn.parameters : {},
      });
    }
    const options = isRecord(body.stream_options) ? body.stream_options : {};
    const responseFormat = parseJsonSchemaFormat(body.response_format, 'response_format');
    return {
      model,
      stream: body.stream === true,
      includeUsage: options.include_usage === true,
      messages,
      tools,
      ...(responseFormat && { responseFormat }),
    };
  },

  json(plan, request, mintId) {
    return {
      id: mintId('chatcmpl-'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: plan.text === '' && plan.toolCalls.length > 0 ? null : plan.text,
            refusal: null,
            annotations: [],
            ...(plan.toolCalls.length > 0 && { tool_calls: plan.toolCalls.map(wireToolCall) }),
          },
          logprobs: null,
          finish_reason: finishReason(plan),
        },
      ],
      usage: wireUsage(plan),
    };
  },

  *frames(plan, request, mintId) {
    const head = {
      id: mintId('chatcmpl-'),
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      system_fingerprint: 'fp_fake',
    };
    // With include_usage every chunk carries `usage: null` until the last, choice-less one.
    const usageField = request.includeUsage ? { usage: null } : {};
    const chunk = (delta: object, finish: string | null = null, isDelta = false): SseFrame => ({
      data: JSON.stringify({
        ...head,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...usageField,
      }),
      delta: isDelta,
    });

    yield chunk({ role: 'assistant', content: '', refusal: null });
    for (const content of plan.deltas) yield chunk({ content }, null, true);
    for (const [index, call] of plan.toolCalls.entries()) {
      yield chunk({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      });
      for (const piece of splitText(call.arguments, 2)) {
        yield chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null, true);
      }
    }
    yield chunk({}, finishReason(plan));
    if (request.includeUsage) {
      yield { data: JSON.stringify({ ...head, choices: [], usage: wireUsage(plan) }) };
    }
    yield { data: '[DONE]' };
  },
};

function toMessage(value: unknown, toolNames: Map<string, string>, field: string): Message {
  if (!isRecord(value)) throw new WireRequestError(`'${field}' must be an object`);
  const content = contentText(value.content, `${field}.content`);
  switch (value.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content };
    case 'user': {
      const attachments = contentAttachments(value.content, `${field}.content`);
      return attachments.length > 0
        ? { role: 'user', content, attachments }
        : { role: 'user', content };
    }
    case 'assistant': {
      const calls =
        value.tool_calls === undefined || value.tool_calls === null ? [] : value.tool_calls;
      const toolCalls = requireArray(calls, `${field}.tool_calls`).map((call, i) =>
        toToolCall(call, `${field}.tool_calls[${i}]`),
      );
      for (const call of toolCalls) toolNames.set(call.id, call.name);
      return toolCalls.length > 0
        ? { role: 'assistant', content: value.content === null ? null : content, toolCalls }
        : { role: 'assistant', content };
    }
    case 'tool': {
      const toolCallId = requireString(value.tool_call_id, `${field}.tool_call_id`);
      return { role: 'tool', toolCallId, toolName: toolNames.get(toolCallId) ?? '', content };
    }
    default:
      throw new WireRequestError(
        `'${field}.role' must be system, developer, user, assistant or tool`,
      );
  }
}

function toToolCall(value: unknown, field: string): ToolCall {
  if (!isRecord(value) || !isRecord(value.function)) {
    throw new WireRequestError(`'${field}' must be a function tool call`);
  }
  return {
    id: requireString(value.id, `${field}.id`),
    name: requireString(value.function.name, `${field}.function.name`),
    arguments: requireString(value.function.arguments, `${field}.function.arguments`),
  };
}

function wireToolCall(call: ToolCall) {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  };
}

function finishReason(plan: TurnPlan): 'stop' | 'tool_calls' {
  return plan.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function wireUsage(plan: TurnPlan) {
  const { inputTokens, outputTokens } = plan.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}
