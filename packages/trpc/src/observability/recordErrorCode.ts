import { trace } from '@opentelemetry/api';
import { ATTR } from './attributes.ts';
import { failSpan } from './spanErrors.ts';

/**
 * Puts the stable code of an error answered to a client on the request's span. A 4xx is the
 * client's mistake, not the server's: the code is recorded, the span is not marked failed.
 */
export function recordErrorCode(code: string, httpStatus: number): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  if (httpStatus >= 500) failSpan(span, code);
  else span.setAttribute(ATTR.errorCode, code);
}
