/** How `stream()` and `runs.watch()` reconnect after a dropped connection. */
export interface ReconnectOptions {
  /** Wait before the first reconnect; each next one waits twice as long. Default 250 ms. */
  readonly initialDelayMs?: number | undefined;
  /** The longest wait between two reconnects. Default 5,000 ms. */
  readonly maxDelayMs?: number | undefined;
  /**
   * Reconnects in a row with no event received before the iteration ends with NETWORK_ERROR.
   * Default 10 (about 33 s of trying with the default delays).
   */
  readonly maxAttempts?: number | undefined;
}

export const DEFAULT_RECONNECT = {
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  maxAttempts: 10,
} as const satisfies Required<ReconnectOptions>;

export type ReconnectPolicy = { readonly [TKey in keyof ReconnectOptions]-?: number };

export function reconnectPolicy(options: ReconnectOptions | undefined): ReconnectPolicy {
  return {
    initialDelayMs: options?.initialDelayMs ?? DEFAULT_RECONNECT.initialDelayMs,
    maxDelayMs: options?.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs,
    maxAttempts: options?.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts,
  };
}

/** The wait before reconnect number `attempt` (1-based): doubling, capped. */
export function reconnectDelayMs(policy: ReconnectPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
}
