/**
 * Correctness checks beside the timings (every response had the expected status, every stream
 * every event). A full run reports a failure in the row's note; `--smoke` (CI) throws at the end
 * of the suite, so a broken server fails CI while no timing is ever asserted.
 */
export class Checks {
  readonly #failures: string[] = [];

  /** Records `what` as failed unless `ok`; returns a short verdict for a row's note. */
  expect(ok: boolean, what: string): string {
    if (!ok) this.#failures.push(what);
    return ok ? 'ok' : `FAIL: ${what}`;
  }

  get failures(): readonly string[] {
    return this.#failures;
  }

  /** Throws in smoke mode when anything failed. */
  settle(suite: string, smoke: boolean): void {
    if (this.#failures.length === 0) return;
    const message = `${suite}: ${this.#failures.length} check(s) failed:\n- ${this.#failures.join('\n- ')}`;
    if (smoke) throw new Error(message);
    console.error(message);
  }
}

export const ms = (value: number): string =>
  `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
