/** Where AgentMint reports what clients must not see (factory failures, store errors). */
export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (message, details) => console.info(`[agentmint] ${message}`, details ?? ''),
  warn: (message, details) => console.warn(`[agentmint] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[agentmint] ${message}`, details ?? ''),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
