import { echoTurn } from './echoTurn.ts';
import type { ScriptedTurn, TextTurn, ToolCallsTurn, TurnRequest } from './turn.ts';

/** What answers once the script runs out: an echo of the last message (see echoTurn), or "ok". */
export type FallbackMode = 'echo' | 'ok';

const OK_TURN: TextTurn = Object.freeze({ text: 'ok' });

/** The turns scripted for the next calls, taken in order, then the fallback. */
export class TurnQueue<TTurn extends object> {
  readonly #turns: ScriptedTurn<TTurn>[] = [];
  readonly #fallback: FallbackMode | ScriptedTurn<TTurn>;
  #head = 0;

  constructor(fallback: FallbackMode | ScriptedTurn<TTurn>, turns: readonly ScriptedTurn<TTurn>[]) {
    this.#fallback = fallback;
    this.#turns.push(...turns);
  }

  push(turns: readonly ScriptedTurn<TTurn>[]): void {
    this.#turns.push(...turns);
  }

  /** Scripted turns not yet used. */
  get pending(): number {
    return this.#turns.length - this.#head;
  }

  clear(): void {
    this.#turns.length = 0;
    this.#head = 0;
  }

  next(request: TurnRequest): TTurn | TextTurn | ToolCallsTurn {
    let turn: ScriptedTurn<TTurn> | FallbackMode;
    if (this.#head < this.#turns.length) {
      turn = this.#turns[this.#head] as ScriptedTurn<TTurn>;
      // Drop used turns now and then so a long benchmark script does not grow forever.
      if (++this.#head === this.#turns.length) this.clear();
    } else {
      turn = this.#fallback;
    }
    if (turn === 'ok') return OK_TURN;
    if (turn === 'echo') return echoTurn(request);
    return typeof turn === 'function' ? turn(request) : turn;
  }
}
