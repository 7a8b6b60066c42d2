import { isAgentMintError } from '@agentmint/core';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR } from './attributes.ts';

/**
 * Marks a span failed with a stable code. The status message is the code too: error messages can
 * carry user text (a tool's or a provider's), which must never reach a trace backend.
 */
export function failSpan(span: Span, code: string): void {
  span.setAttribute(ATTR.errorType, code);
  span.setAttribute(ATTR.errorCode, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/** The stable code of anything thrown: an AgentMintError's `code`, else `fallback`. */
export function errorCodeOf(error: unknown, fallback = 'INTERNAL'): string {
  return isAgentMintError(error) ? error.code : fallback;
}
