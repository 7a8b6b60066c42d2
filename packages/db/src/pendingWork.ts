/** Counts operations in flight so `close()` can wait for them before releasing connections. */
export class PendingWork {
  #count = 0;
  #wake: (() => void) | undefined;
  #idle: Promise<void> | undefined;

  track<T>(operation: Promise<T>): Promise<T> {
    this.#count++;
    return operation.finally(() => {
      if (--this.#count > 0) return;
      const wake = this.#wake;
      this.#wake = undefined;
      this.#idle = undefined;
      wake?.();
    });
  }

  /** Resolves once nothing is in flight; work tracked meanwhile is waited for too. */
  async drained(): Promise<void> {
    while (this.#count > 0) {
      this.#idle ??= new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      await this.#idle;
    }
  }
}
