import type { Message, ResponseFormatSpec, ToolSpec } from '@agentmint/core';
import type { TurnPlan } from './turnPlan.ts';

/** What the fake server needs from an OpenAI request body, whichever API it came through. */
export interface WireRequest {
  readonly model: string;
  readonly stream: boolean;
  /** Chat Completions only: `stream_options.include_usage`. */
  readonly includeUsage: boolean;
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  /** The JSON Schema the answer must follow (Responses `text.format`, Chat `response_format`). */
  readonly responseFormat?: ResponseFormatSpec | undefined;
}

/** One server-sent event, `data` already serialized; `delta` frames are paced and can be cut. */
export interface SseFrame {
  readonly event?: string;
  readonly data: string;
  readonly delta?: boolean;
}

/** Mints ids like the real API's: the prefix (`resp_`, `call_`, `chatcmpl-`) and a counter. */
export type MintId = (prefix: string) => string;

/** One OpenAI HTTP API as the fake server speaks it: request parsing and response shapes. */
export interface WireApi {
  readonly name: 'responses' | 'chat';
  parse(body: Readonly<Record<string, unknown>>): WireRequest;
  json(plan: TurnPlan, request: WireRequest, mintId: MintId): unknown;
  frames(plan: TurnPlan, request: WireRequest, mintId: MintId): Iterable<SseFrame>;
}

/** A request body the fake server cannot accept; answered with HTTP 400 like the real API. */
export class WireRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireRequestError';
  }
}
