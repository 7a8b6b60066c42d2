import type {
  Message,
  Model,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  ResponseFormatSpec,
  ToolSpec,
} from '@agentmint/core';
import { abortableDelay } from './abortableDelay.ts';
import { isErrorTurn, type ScriptedTurn, type Turn } from './turn.ts';
import { planTurn, type TurnPlan } from './turnPlan.ts';
import { type FallbackMode, TurnQueue } from './turnQueue.ts';

export interface ScriptedModelOptions {
  /** Default `scripted`. */
  id?: string;
  /** Default `Scripted`. */
  provider?: string;
  /** Turns for the first calls, in order; more can be added with `script()`. */
  turns?: readonly ScriptedTurn[];
  /** What answers once the script is used up: `echo` (default), `ok` (zero-latency), or a turn. */
  fallback?: FallbackMode | ScriptedTurn;
  /** Keep every request for assertions. Default true, except in `ok` mode (benchmarks). */
  record?: boolean;
}

/** A request the model received, as it was at the time of the call. */
export interface RecordedModelRequest {
  readonly method: 'generate' | 'stream';
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  readonly responseFormat: ResponseFormatSpec | undefined;
}

/**
 * A fake `Model` that plays scripted turns (text, tool calls, errors), then echoes. Honours
 * `request.signal` and records what it was asked, so tests can assert on history and tool specs.
 */
export class ScriptedModel implements Model {
  readonly id: string;
  readonly provider: string;
  /** Every request received, oldest first (empty when recording is off). */
  readonly requests: RecordedModelRequest[] = [];
  readonly #queue: TurnQueue<Turn>;
  readonly #record: boolean;
  #calls = 0;
  #callIds = 0;

  constructor(options: ScriptedModelOptions = {}) {
    this.id = options.id ?? 'scripted';
    this.provider = options.provider ?? 'Scripted';
    const fallback = options.fallback ?? 'echo';
    this.#queue = new TurnQueue<Turn>(fallback, options.turns ?? []);
    this.#record = options.record ?? fallback !== 'ok';
  }

  /** Appends turns for the next calls; returns the model for chaining. */
  script(...turns: ScriptedTurn[]): this {
    this.#queue.push(turns);
    return this;
  }

  /** Scripted turns not yet played. */
  get pending(): number {
    return this.#queue.pending;
  }

  /** How many times `generate` or `stream` was called. */
  get calls(): number {
    return this.#calls;
  }

  get lastRequest(): RecordedModelRequest | undefined {
    return this.requests.at(-1);
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const plan = this.#begin('generate', request);
    if (plan.delayMs > 0) {
      await abortableDelay(plan.delayMs * Math.max(1, plan.deltas.length), request.signal);
    }
    return {
      content: plan.text === '' && plan.toolCalls.length > 0 ? null : plan.text,
      toolCalls: plan.toolCalls,
      usage: plan.usage,
    };
  }

  async *stream(request: ModelRequest): AsyncGenerator<ModelStreamPart> {
    const plan = this.#begin('stream', request);
    const { signal } = request;
    for (const delta of plan.deltas) {
      if (plan.delayMs > 0) await abortableDelay(plan.delayMs, signal);
      else signal.throwIfAborted();
      yield { type: 'text-delta', delta };
    }
    for (const toolCall of plan.toolCalls) yield { type: 'tool-call', toolCall };
    signal.throwIfAborted();
    yield { type: 'usage', usage: plan.usage };
  }

  #begin(method: RecordedModelRequest['method'], request: ModelRequest): TurnPlan {
    request.signal.throwIfAborted();
    this.#calls++;
    if (this.#record) {
      // Copy: the run loop keeps appending to the array it passed in.
      this.requests.push({
        method,
        messages: [...request.messages],
        tools: request.tools,
        responseFormat: request.responseFormat,
      });
    }
    const turn = this.#queue.next(request);
    if (isErrorTurn(turn)) {
      throw typeof turn.error === 'string' ? new Error(turn.error) : turn.error;
    }
    return planTurn(turn, request, () => `call_${++this.#callIds}`);
  }
}
