import type { Message, ModelUsage, ResponseFormatSpec, ToolSpec } from '@agentmint/core';

/** A tool call a scripted turn asks for; `arguments` objects are sent as JSON text. */
export interface ScriptedToolCall {
  readonly name: string;
  readonly arguments?: unknown;
  /** Defaults to `call_<n>`, unique per model or server. */
  readonly id?: string;
}

/** Shared by every turn that streams: how to cut and pace the output. */
export interface StreamPacing {
  /** Split the text into this many deltas (default 1). */
  readonly deltas?: number;
  /** Wait this long before each delta, to simulate a slow model. */
  readonly delayMs?: number;
  readonly usage?: ModelUsage;
}

export interface TextTurn extends StreamPacing {
  readonly text: string;
}

export interface ToolCallsTurn extends StreamPacing {
  readonly toolCalls: readonly ScriptedToolCall[];
  /** Text the model says before asking for the tools. */
  readonly text?: string;
}

/** The model call fails: ScriptedModel throws it, the fake server answers HTTP 500. */
export interface ErrorTurn {
  readonly error: Error | string;
}

/** What a scripted model does on one call. */
export type Turn = TextTurn | ToolCallsTurn | ErrorTurn;

/** The request a turn function sees: the conversation so far and the tools offered. */
export interface TurnRequest {
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  /** The structured output schema the answer must follow, when one was asked for. */
  readonly responseFormat?: ResponseFormatSpec | undefined;
}

/** A turn, or a function choosing one from the request (e.g. to answer with a tool's result). */
export type ScriptedTurn<TTurn = Turn> = TTurn | ((request: TurnRequest) => TTurn);

export function isErrorTurn(turn: object): turn is ErrorTurn {
  return 'error' in turn;
}

export function isToolCallsTurn(turn: object): turn is ToolCallsTurn {
  return 'toolCalls' in turn;
}
