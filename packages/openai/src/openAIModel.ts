import type { Model, ModelRequest, ModelResponse, ModelStreamPart } from '@agentmint/core';
import type OpenAI from 'openai';
import { OpenAIConnection } from './openAIConnection.ts';
import type { OpenAIModelOptions } from './openAIModelOptions.ts';

/** What both OpenAI APIs share: the model id, options, and a lazily created, shared SDK client. */
export abstract class OpenAIModel<TOptions extends OpenAIModelOptions> implements Model {
  readonly id: string;
  readonly provider = 'OpenAI';
  protected readonly options: TOptions;
  protected readonly connection: OpenAIConnection;

  constructor(options: TOptions) {
    this.id = options.id;
    this.options = options;
    this.connection = new OpenAIConnection(options);
  }

  /** The SDK client, created on first use and shared by models with the same key and URL. */
  get client(): OpenAI {
    return this.connection.client;
  }

  abstract generate(request: ModelRequest): Promise<ModelResponse>;
  abstract stream(request: ModelRequest): AsyncIterable<ModelStreamPart>;
}
