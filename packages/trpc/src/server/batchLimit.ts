import { AgentMintError } from '@agentmint/core';
import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import {
  getErrorShape,
  getHTTPStatusCodeFromError,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';

/** Most calls one tRPC batch request may carry, unless `maxBatchSize` says otherwise. */
export const DEFAULT_MAX_BATCH_SIZE = 10;

/** `maxBatchSize` as given (a positive integer; TypeError otherwise), or the default. */
export function maxBatchSizeOption(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`maxBatchSize must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Refuses a tRPC batch (`?batch=1`, procedure paths joined by commas) of more than `max` calls
 * with 413 BATCH_TOO_LARGE, before any procedure runs: one request must not start 300 runs. The
 * body is shaped by the router's own error formatter, so clients read it like any tRPC error.
 */
export function refuseLargeBatch(
  requestUrl: string,
  options: { readonly router: AnyTRPCRouter; readonly max: number },
): Response | undefined {
  // Most requests carry a call or a few: count the commas before parsing the URL at all.
  const queryAt = requestUrl.indexOf('?');
  if (commasBefore(requestUrl, queryAt < 0 ? requestUrl.length : queryAt) < options.max) {
    return undefined;
  }
  const url = new URL(requestUrl, 'http://localhost');
  if (url.searchParams.get('batch') !== '1') return undefined;
  // Counted over the whole raw path, as tRPC splits it: no way to hide calls behind a '/'.
  const size = url.pathname.split(',').length;
  if (size <= options.max) return undefined;
  const error = new TRPCError({
    code: 'PAYLOAD_TOO_LARGE',
    cause: new AgentMintError(
      'BATCH_TOO_LARGE',
      `A tRPC batch may carry at most ${options.max} calls; this one has ${size}. ` +
        'Send fewer calls per request (httpBatchLink `maxItems`).',
    ),
  });
  const config = options.router._def._config;
  const shape = getErrorShape({
    config,
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  return new Response(JSON.stringify(transformTRPCResponse(config, { error: shape })), {
    status: getHTTPStatusCodeFromError(error),
    headers: { 'content-type': 'application/json' },
  });
}

/** How many commas `text` has before `end` (no array of the parts, as a split would build). */
function commasBefore(text: string, end: number): number {
  let count = 0;
  for (let at = text.indexOf(','); at >= 0 && at < end; at = text.indexOf(',', at + 1)) count++;
  return count;
}
