import type {
  Model,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  ModelUsage,
  ToolCall,
} from '../src/index.ts';

/** One model turn: text (streamed in the given pieces), tool calls, a failure, or a stall. */
export type ScriptedTurn =
  | { readonly text: string | readonly string[]; readonly usage?: ModelUsage }
  | { readonly toolCalls: readonly ToolCall[]; readonly text?: string }
  | { readonly error: unknown }
  /** Streams `text`, then waits for `release` (or the abort signal, unless `ignoreAbort`). */
  | {
      readonly text: readonly string[];
      readonly release: Promise<void>;
      readonly ignoreAbort?: boolean;
    };

/** A fake Model for core's own tests: plays its turns in order and records every request. */
export class ScriptedModel implements Model {
  readonly id: string;
  readonly provider = 'Scripted';
  readonly requests: ModelRequest[] = [];
  readonly #turns: ScriptedTurn[];
  readonly #onRequest: ((request: ModelRequest) => Promise<void> | void) | undefined;

  constructor(
    turns: readonly ScriptedTurn[],
    options: { id?: string; onRequest?: (request: ModelRequest) => Promise<void> | void } = {},
  ) {
    this.#turns = [...turns];
    this.id = options.id ?? 'scripted-1';
    this.#onRequest = options.onRequest;
  }

  get remainingTurns(): number {
    return this.#turns.length;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const turn = this.#next(request);
    await this.#onRequest?.(request);
    if ('error' in turn) throw turn.error;
    if ('release' in turn) await wait(turn.release, request.signal, turn.ignoreAbort);
    if ('toolCalls' in turn) return { content: turn.text ?? null, toolCalls: turn.toolCalls };
    const text = typeof turn.text === 'string' ? turn.text : turn.text.join('');
    return {
      content: text,
      toolCalls: [],
      ...('usage' in turn && turn.usage && { usage: turn.usage }),
    };
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const turn = this.#next(request);
    await this.#onRequest?.(request);
    if ('error' in turn) throw turn.error;
    const pieces =
      'text' in turn && turn.text !== undefined
        ? typeof turn.text === 'string'
          ? [turn.text]
          : turn.text
        : [];
    for (const delta of pieces) {
      await Promise.resolve();
      yield { type: 'text-delta', delta };
    }
    if ('release' in turn) await wait(turn.release, request.signal, turn.ignoreAbort);
    if ('toolCalls' in turn)
      for (const toolCall of turn.toolCalls) yield { type: 'tool-call', toolCall };
    if ('usage' in turn && turn.usage) yield { type: 'usage', usage: turn.usage };
  }

  #next(request: ModelRequest): ScriptedTurn {
    this.requests.push(request);
    const turn = this.#turns.shift();
    if (!turn) throw new Error('ScriptedModel ran out of turns');
    return turn;
  }
}

function wait(release: Promise<void>, signal: AbortSignal, ignoreAbort = false): Promise<void> {
  if (ignoreAbort) return release;
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    release.then(resolve, reject);
  });
}

/** A promise with its resolve function, for tests that release work on cue. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A Logger that keeps what it is told, so tests can assert on warnings. */
export function recordingLogger() {
  const lines: {
    level: 'info' | 'warn' | 'error';
    message: string;
    details?: Record<string, unknown>;
  }[] = [];
  const log =
    (level: 'info' | 'warn' | 'error') => (message: string, details?: Record<string, unknown>) => {
      lines.push(details === undefined ? { level, message } : { level, message, details });
    };
  return { lines, logger: { info: log('info'), warn: log('warn'), error: log('error') } };
}
