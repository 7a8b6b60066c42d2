import type { ValidationIssue } from '@agentmint/core';
import { AgentMintClientError } from './agentMintClientError.ts';
import {
  type AgentMintClientErrorCode,
  CODE_BY_TRPC_CODE,
  isServerErrorCode,
  SERVER_ERROR_STATUS,
} from './clientErrorCode.ts';

/** The part of tRPC's error `data` we read; AgentMint's formatter adds the last three. */
interface ErrorData {
  readonly code?: unknown;
  readonly httpStatus?: unknown;
  readonly agentmintCode?: unknown;
  readonly issues?: unknown;
  readonly retryAfterSeconds?: unknown;
}

const CODE_BY_STATUS: Readonly<Record<number, AgentMintClientErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'AGENT_NOT_FOUND',
  409: 'RUN_NOT_ACTIVE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_RUNS',
  500: 'INTERNAL',
  503: 'SHUTTING_DOWN',
};

/**
 * Turns whatever a tRPC call threw into an `AgentMintClientError`: AgentMint's `agentmintCode`
 * when present, else the tRPC code (a host router's formatter may drop ours), else the HTTP
 * status, else a local code (network failure, abort). Public for tRPC's own client (e.g. with
 * `@trpc/tanstack-react-query`), whose `TRPCClientError`s the guards then understand.
 */
export function toClientError(error: unknown, signal?: AbortSignal): AgentMintClientError {
  if (error instanceof AgentMintClientError) return error;
  if (signal?.aborted || isAbortError(error)) {
    return new AgentMintClientError('The request was aborted', {
      code: 'ABORTED',
      httpStatus: 0,
      cause: signal?.reason ?? error,
    });
  }
  const data = errorData(error);
  const message = error instanceof Error ? error.message : String(error);
  const trpcCode = typeof data?.code === 'string' ? data.code : undefined;
  // Our code decides the status: older servers sent 500 for errors thrown as a stream started.
  const httpStatus = isServerErrorCode(data?.agentmintCode)
    ? SERVER_ERROR_STATUS[data.agentmintCode]
    : typeof data?.httpStatus === 'number'
      ? data.httpStatus
      : responseStatus(error);
  const code: AgentMintClientErrorCode | undefined = isServerErrorCode(data?.agentmintCode)
    ? data.agentmintCode
    : ((trpcCode === undefined ? undefined : CODE_BY_TRPC_CODE[trpcCode]) ??
      (httpStatus === undefined ? undefined : CODE_BY_STATUS[httpStatus]));
  if (code === undefined) {
    return new AgentMintClientError(
      httpStatus === undefined ? noResponseMessage(message) : message,
      { code: 'NETWORK_ERROR', httpStatus: httpStatus ?? 0, cause: error },
    );
  }
  const issues = validationIssues(data?.issues);
  const retryAfter = data?.retryAfterSeconds;
  return new AgentMintClientError(message, {
    code,
    httpStatus: httpStatus ?? (isServerErrorCode(code) ? SERVER_ERROR_STATUS[code] : 0),
    issues,
    // The server always sends it with 429; a host's formatter may not, so assume its 1 s default.
    retryAfterSeconds:
      typeof retryAfter === 'number' ? retryAfter : code === 'TOO_MANY_RUNS' ? 1 : undefined,
    trpcCode,
    cause: error,
  });
}

/**
 * No HTTP answer could be read. The client cannot tell a server that is down from a response the
 * browser withheld (CORS), so it names both instead of claiming the server was unreachable.
 */
function noResponseMessage(detail: string): string {
  return (
    `No response from the AgentMint server could be read (${detail}). Either it is unreachable ` +
    "(down, wrong URL, network), or the browser blocked the response: a page on another origin needs the server's `cors` option (AgentOSOptions.cors)."
  );
}

function errorData(error: unknown): ErrorData | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const data = (error as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as ErrorData) : undefined;
}

/** The HTTP status of a response that was not a tRPC error (a proxy's 502, an SSE handshake's 401). */
function responseStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const meta = (error as { meta?: { response?: { status?: unknown } } }).meta;
  const status = meta?.response?.status;
  if (typeof status === 'number') return status;
  // eventsource's ErrorEvent carries the status of a failed SSE handshake as `code`.
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'number' && cause.code >= 400 ? cause.code : undefined;
}

function validationIssues(value: unknown): ValidationIssue[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (issue): issue is ValidationIssue =>
      typeof issue === 'object' &&
      issue !== null &&
      Array.isArray((issue as ValidationIssue).path) &&
      typeof (issue as ValidationIssue).message === 'string',
  );
}

function isAbortError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    if (current instanceof Error && current.name === 'AbortError') return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}
