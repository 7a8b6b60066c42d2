import type { Message, ToolCall } from './message.ts';

/** A tool as the model sees it: name, description and the JSON Schema of its parameters. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A JSON Schema the model's final answer must follow (structured output). */
export interface ResponseFormatSpec {
  /** A name for the schema, as OpenAI's `json_schema` format asks for one. */
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface ModelRequest {
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  /** When set, the model must answer with JSON following this schema. */
  readonly responseFormat?: ResponseFormatSpec | undefined;
  /** Aborted when the run is cancelled or the client goes away; models must stop the request. */
  readonly signal: AbortSignal;
}

export interface ModelResponse {
  readonly content: string | null;
  readonly toolCalls: readonly ToolCall[];
  readonly usage?: ModelUsage;
}

/** One piece of a streamed model response. Tool calls arrive whole, once their arguments are complete. */
export type ModelStreamPart =
  | { readonly type: 'text-delta'; readonly delta: string }
  | { readonly type: 'tool-call'; readonly toolCall: ToolCall }
  | { readonly type: 'usage'; readonly usage: ModelUsage };

/** The provider-neutral model interface; vendor SDKs live in their own packages. */
export interface Model {
  /** Model name sent to the provider, e.g. `gpt-5.4`. */
  readonly id: string;
  /** Provider label reported in run records, e.g. `OpenAI`. */
  readonly provider: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
  stream(request: ModelRequest): AsyncIterable<ModelStreamPart>;
}
