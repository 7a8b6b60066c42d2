/** Where AgentMint reports what clients must not see (factory failures, store errors). */
export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
  /** Detail for debugging (stacks of unexpected errors); optional, off unless a logger gives it. */
  debug?(message: string, details?: Record<string, unknown>): void;
}

// Stacks only when asked for: under a fault, a stack per failure floods the log.
const debugEnabled = typeof process !== 'undefined' && process.env?.AGENTMINT_DEBUG === '1';

export const consoleLogger: Logger = {
  info: (message, details) => console.info(`[agentmint] ${message}`, details ?? ''),
  warn: (message, details) => console.warn(`[agentmint] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[agentmint] ${message}`, details ?? ''),
  ...(debugEnabled && {
    debug: (message: string, details?: Record<string, unknown>) =>
      console.debug(`[agentmint] ${message}`, details ?? ''),
  }),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
