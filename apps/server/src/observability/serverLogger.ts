import { createRequire } from 'node:module';
import type { Logger } from '@agentmint/core';
import { trace } from '@opentelemetry/api';
import { type Logger as Pino, pino } from 'pino';

// Keys whose values are credentials or user content, wherever they sit in a log line's details.
const REDACTED_KEYS = ['authorization', 'cookie', 'token', 'jwt', 'apiKey', 'secret', 'password'];
const REDACTED_CONTENT = ['factoryInput', 'input', 'content', 'messages'];

/**
 * The server's pino logger: JSON lines (one object a line, `msg` plus fields), pretty-printed when
 * stdout is a terminal and pino-pretty is installed. Each line written inside a traced request or
 * run carries `trace_id` and `span_id`, so a log line leads to its trace.
 */
export function createServerPino(env: NodeJS.ProcessEnv = process.env): Pino {
  const pretty = env.AGENTMINT_LOG_FORMAT
    ? env.AGENTMINT_LOG_FORMAT === 'pretty'
    : process.stdout.isTTY === true;
  const paths = [...REDACTED_KEYS, ...REDACTED_CONTENT].flatMap((key) => [key, `*.${key}`]);
  return pino({
    name: 'agentmint',
    level: env.LOG_LEVEL ?? (env.AGENTMINT_DEBUG === '1' ? 'debug' : 'info'),
    redact: { paths, censor: '[redacted]' },
    mixin() {
      const context = trace.getActiveSpan()?.spanContext();
      return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
    },
    ...(pretty && prettyAvailable() && { transport: { target: 'pino-pretty' } }),
  });
}

/** AgentMint's `Logger` on pino: the message as `msg`, the details as fields of the same line. */
export function agentMintLogger(log: Pino): Logger {
  return {
    info: (message, details) => log.info(details ?? {}, message),
    warn: (message, details) => log.warn(details ?? {}, message),
    error: (message, details) => log.error(details ?? {}, message),
    debug: (message, details) => log.debug(details ?? {}, message),
  };
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
