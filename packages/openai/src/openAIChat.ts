import {
  AgentMintError,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
  type ModelUsage,
  newId,
  type ToolCall,
} from '@agentmint/core';
import type OpenAI from 'openai';
import { toChatMessages, toChatTools } from './chatMessages.ts';
import { toJsonSchemaFormat } from './jsonSchemaFormat.ts';
import { OpenAIModel } from './openAIModel.ts';
import type { OpenAIModelOptions } from './openAIModelOptions.ts';
import { toModelError } from './toModelError.ts';

export type OpenAIChatOptions = OpenAIModelOptions;

type ChatParams = Omit<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, 'stream'>;

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * An OpenAI model over Chat Completions (`POST /v1/chat/completions`), the API most
 * OpenAI-compatible servers (Ollama, vLLM, llama.cpp) speak.
 */
export class OpenAIChat extends OpenAIModel<OpenAIChatOptions> {
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { signal } = request;
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await this.connection.client.chat.completions.create(
        { ...this.#params(request), stream: false },
        { signal },
      );
    } catch (error) {
      throw toModelError(error, signal, this.connection.apiKey);
    }
    const message = completion.choices[0]?.message;
    const toolCalls: ToolCall[] = [];
    for (const call of message?.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
    const content = message?.content ?? message?.refusal ?? null;
    const usage = toUsage(completion.usage);
    return {
      content: content === null && toolCalls.length === 0 ? '' : content,
      toolCalls,
      ...(usage && { usage }),
    };
  }

  async *stream(request: ModelRequest): AsyncGenerator<ModelStreamPart> {
    const { signal } = request;
    const apiKey = this.connection.apiKey;
    let chunks: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    try {
      chunks = await this.connection.client.chat.completions.create(
        { ...this.#params(request), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
    } catch (error) {
      throw toModelError(error, signal, apiKey);
    }
    // Tool calls arrive in fragments keyed by index; they are whole once a finish_reason comes.
    const calls: PendingCall[] = [];
    let usage: ModelUsage | undefined;
    let finished = false;
    try {
      for await (const chunk of chunks) {
        if (chunk.usage) usage = toUsage(chunk.usage);
        const choice = chunk.choices[0];
        if (!choice) continue;
        const { delta } = choice;
        if (delta.content) yield { type: 'text-delta', delta: delta.content };
        else if (delta.refusal) yield { type: 'text-delta', delta: delta.refusal };
        for (const fragment of delta.tool_calls ?? []) {
          let call = calls[fragment.index];
          if (!call) {
            call = { id: '', name: '', arguments: '' };
            calls[fragment.index] = call;
          }
          if (fragment.id) call.id = fragment.id;
          if (fragment.function?.name) call.name = fragment.function.name;
          if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
        }
        if (choice.finish_reason && !finished) {
          finished = true;
          for (const call of calls) {
            if (!call) continue;
            yield {
              type: 'tool-call',
              toolCall: {
                id: call.id || `call_${newId()}`,
                name: call.name,
                arguments: call.arguments,
              },
            };
          }
        }
      }
    } catch (error) {
      throw toModelError(error, signal, apiKey);
    }
    // The SDK ends an aborted stream quietly; the run must still see the cancellation.
    signal.throwIfAborted();
    if (!finished) {
      throw new AgentMintError('MODEL_ERROR', 'The OpenAI stream ended without a finish_reason', {
        publicMessage: 'The model stream ended before the answer was complete',
      });
    }
    if (usage) yield { type: 'usage', usage };
  }

  #params(request: ModelRequest): ChatParams {
    const options = this.options;
    const params: ChatParams = {
      model: this.id,
      messages: toChatMessages(request.messages),
      ...(request.tools.length > 0 && { tools: toChatTools(request.tools) }),
      ...(request.responseFormat && {
        response_format: {
          type: 'json_schema',
          json_schema: toJsonSchemaFormat(request.responseFormat),
        },
      }),
      ...(options.temperature !== undefined && { temperature: options.temperature }),
      ...(options.maxOutputTokens !== undefined && {
        max_completion_tokens: options.maxOutputTokens,
      }),
    };
    return options.extraBody ? Object.assign(params, options.extraBody) : params;
  }
}

function toUsage(usage: OpenAI.CompletionUsage | null | undefined): ModelUsage | undefined {
  return usage
    ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }
    : undefined;
}
