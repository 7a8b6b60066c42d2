import type { Logger } from './logger.ts';
import { newId } from './newId.ts';

/** Longest error text a log line carries: one line per failure, not a dump. */
const MAX_ERROR_TEXT = 300;

/** A failure as one log field set: its code (when it has one) and the first line of its message. */
export function errorSummary(error: unknown): { errorCode?: string; error: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `non-Error thrown: ${typeof error}`;
  const line = text.split('\n', 1)[0] ?? '';
  return {
    ...((typeof code === 'string' || typeof code === 'number') && { errorCode: String(code) }),
    error: line.length > MAX_ERROR_TEXT ? `${line.slice(0, MAX_ERROR_TEXT)}…` : line,
  };
}

/**
 * Logs an unexpected failure as one line with a fresh error id (the stack only at debug level)
 * and returns the id, so a client's generic 500 can name the line to look for.
 */
export function logUnexpectedError(
  logger: Logger,
  message: string,
  error: unknown,
  fields: Record<string, unknown> = {},
): string {
  const errorId = newId();
  logger.error(message, { ...fields, errorId, ...errorSummary(error) });
  if (logger.debug && error instanceof Error)
    logger.debug(`${message}: stack`, { errorId, stack: error.stack });
  return errorId;
}
