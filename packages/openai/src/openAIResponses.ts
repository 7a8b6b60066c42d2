import {
  AgentMintError,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
  type ModelUsage,
  type ToolCall,
} from '@agentmint/core';
import type OpenAI from 'openai';
import { toJsonSchemaFormat } from './jsonSchemaFormat.ts';
import { OpenAIModel } from './openAIModel.ts';
import type { OpenAIModelOptions } from './openAIModelOptions.ts';
import { toResponsesInput, toResponsesTools } from './responsesInput.ts';
import { toModelError } from './toModelError.ts';

export type OpenAIResponsesOptions = OpenAIModelOptions;

type ResponseParams = Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'>;

interface PendingCall {
  readonly callId: string;
  readonly name: string;
  arguments: string;
  sent: boolean;
}

/** An OpenAI model over the Responses API (`POST /v1/responses`). */
export class OpenAIResponses extends OpenAIModel<OpenAIResponsesOptions> {
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { signal } = request;
    let response: OpenAI.Responses.Response;
    try {
      response = await this.connection.client.responses.create(
        { ...this.#params(request), stream: false },
        { signal },
      );
    } catch (error) {
      throw toModelError(error, signal, this.connection.apiKey);
    }
    if (response.status === 'failed') throw failed(response);
    let content = '';
    const toolCalls: ToolCall[] = [];
    for (const item of response.output) {
      if (item.type === 'message') {
        for (const part of item.content) {
          content += part.type === 'output_text' ? part.text : part.refusal;
        }
      } else if (item.type === 'function_call') {
        toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
      }
    }
    const usage = toUsage(response.usage);
    return {
      content: content === '' && toolCalls.length > 0 ? null : content,
      toolCalls,
      ...(usage && { usage }),
    };
  }

  async *stream(request: ModelRequest): AsyncGenerator<ModelStreamPart> {
    const { signal } = request;
    const apiKey = this.connection.apiKey;
    let events: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>;
    try {
      events = await this.connection.client.responses.create(
        { ...this.#params(request), stream: true },
        { signal },
      );
    } catch (error) {
      throw toModelError(error, signal, apiKey);
    }
    // Function calls by output index, until their arguments are complete.
    const calls = new Map<number, PendingCall>();
    let usage: ModelUsage | undefined;
    let finished = false;
    try {
      for await (const event of events) {
        switch (event.type) {
          case 'response.output_text.delta':
            yield { type: 'text-delta', delta: event.delta };
            break;
          case 'response.refusal.delta':
            yield { type: 'text-delta', delta: event.delta };
            break;
          case 'response.output_item.added':
            if (event.item.type === 'function_call') {
              calls.set(event.output_index, {
                callId: event.item.call_id,
                name: event.item.name,
                arguments: event.item.arguments,
                sent: false,
              });
            }
            break;
          case 'response.function_call_arguments.delta': {
            const call = calls.get(event.output_index);
            if (call) call.arguments += event.delta;
            break;
          }
          case 'response.function_call_arguments.done': {
            const call = calls.get(event.output_index);
            if (call && !call.sent) {
              call.sent = true;
              yield toolCallPart(call.callId, call.name, event.arguments);
            }
            break;
          }
          case 'response.output_item.done':
            // Servers that skip the arguments events still end the item with its full arguments.
            if (event.item.type === 'function_call' && !calls.get(event.output_index)?.sent) {
              const { call_id, name, arguments: args } = event.item;
              calls.set(event.output_index, { callId: call_id, name, arguments: args, sent: true });
              yield toolCallPart(call_id, name, args);
            }
            break;
          case 'response.completed':
          case 'response.incomplete':
            usage = toUsage(event.response.usage);
            finished = true;
            break;
          case 'response.failed':
            throw failed(event.response);
          case 'error':
            throw new AgentMintError('MODEL_ERROR', `OpenAI stream error: ${event.message}`, {
              publicMessage: 'The model stream reported an error',
            });
        }
      }
    } catch (error) {
      throw toModelError(error, signal, apiKey);
    }
    // The SDK ends an aborted stream quietly; the run must still see the cancellation.
    signal.throwIfAborted();
    if (!finished) throw streamEndedEarly();
    for (const call of calls.values()) {
      if (!call.sent) yield toolCallPart(call.callId, call.name, call.arguments);
    }
    if (usage) yield { type: 'usage', usage };
  }

  #params(request: ModelRequest): ResponseParams {
    const options = this.options;
    const params: ResponseParams = {
      model: this.id,
      input: toResponsesInput(request.messages),
      ...(request.tools.length > 0 && { tools: toResponsesTools(request.tools) }),
      ...(request.responseFormat && {
        text: { format: { type: 'json_schema', ...toJsonSchemaFormat(request.responseFormat) } },
      }),
      ...(options.temperature !== undefined && { temperature: options.temperature }),
      ...(options.maxOutputTokens !== undefined && { max_output_tokens: options.maxOutputTokens }),
    };
    return options.extraBody ? Object.assign(params, options.extraBody) : params;
  }
}

function toolCallPart(id: string, name: string, args: string): ModelStreamPart {
  return { type: 'tool-call', toolCall: { id, name, arguments: args } };
}

function toUsage(usage: OpenAI.Responses.ResponseUsage | null | undefined): ModelUsage | undefined {
  return usage ? { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens } : undefined;
}

function failed(response: OpenAI.Responses.Response): AgentMintError {
  const detail = response.error ? `${response.error.code}: ${response.error.message}` : 'no detail';
  return new AgentMintError('MODEL_ERROR', `OpenAI response failed (${detail})`, {
    publicMessage: 'The model response failed',
  });
}

function streamEndedEarly(): AgentMintError {
  return new AgentMintError('MODEL_ERROR', 'The OpenAI stream ended before response.completed', {
    publicMessage: 'The model stream ended before the answer was complete',
  });
}
