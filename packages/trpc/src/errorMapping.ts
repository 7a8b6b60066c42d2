import {
  AgentMintError,
  type AgentMintErrorCode,
  FACTORY_INPUT_FIELD,
  FactoryValidationError,
  type Logger,
  logUnexpectedError,
  TooManyRunsError,
  type ValidationIssue,
} from '@agentmint/core';
import { TRPCError } from '@trpc/server';
import { recordErrorCode } from './observability/recordErrorCode.ts';

type TRPCErrorCode = TRPCError['code'];

export const TRPC_CODE_BY_STATUS: Record<number, TRPCErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  501: 'NOT_IMPLEMENTED',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

/** What a client may learn about any failure: status, stable code, safe message, and zod issues. */
export interface PublicError {
  readonly httpStatus: number;
  readonly code: AgentMintErrorCode;
  readonly message: string;
  readonly issues?: readonly ValidationIssue[];
  readonly retryAfterSeconds?: number;
}

const INTERNAL: PublicError = {
  httpStatus: 500,
  code: 'INTERNAL',
  message: 'Internal server error; see the server logs',
};

/** How a transport names things on its wire, so errors speak the client's language. */
export interface WireNames {
  /** The factory input field: `factoryInput` (tRPC, the default) or `factory_input` (REST). */
  readonly factoryInput?: string;
}

/** The one place that decides what of an error reaches a client (tRPC and REST alike). */
export function toPublicError(error: unknown, wire: WireNames = {}): PublicError {
  const info = describeError(error, wire);
  recordErrorCode(info.code, info.httpStatus);
  return info;
}

function describeError(error: unknown, wire: WireNames): PublicError {
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (cause instanceof FactoryValidationError) {
    const named = cause.named(wire.factoryInput ?? FACTORY_INPUT_FIELD);
    return {
      httpStatus: cause.httpStatus,
      code: cause.code,
      message: named.message,
      issues: named.issues,
    };
  }
  if (cause instanceof AgentMintError) {
    return {
      httpStatus: cause.httpStatus,
      code: cause.code,
      message: cause.publicMessage,
      ...(cause instanceof TooManyRunsError && { retryAfterSeconds: cause.retryAfterSeconds }),
    };
  }
  if (error instanceof TRPCError) {
    // tRPC's own failures: input parse errors, unknown procedures, bad methods.
    if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') {
      const issues = inputIssues(error);
      return {
        httpStatus: 400,
        code: 'BAD_REQUEST',
        message: issues.length
          ? `Invalid request input: ${issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`
          : 'Invalid request input',
        ...(issues.length > 0 && { issues }),
      };
    }
    if (error.code === 'NOT_FOUND') {
      // The router's formatter names the path; a host's own formatter lands here.
      return { httpStatus: 404, code: 'PROCEDURE_NOT_FOUND', message: 'No such tRPC procedure' };
    }
    if (error.code === 'PAYLOAD_TOO_LARGE') {
      return { httpStatus: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' };
    }
    if (error.code === 'UNSUPPORTED_MEDIA_TYPE' || error.code === 'METHOD_NOT_SUPPORTED') {
      return { httpStatus: 400, code: 'BAD_REQUEST', message: error.message };
    }
  }
  return INTERNAL;
}

/**
 * `toPublicError`, and one log line (with an error id the client is told) when the failure was
 * unexpected: a bug or an unknown throw, not an error AgentMint raised on purpose.
 */
export function toReportedPublicError(
  error: unknown,
  logger: Logger,
  wire: WireNames = {},
): PublicError {
  const info = toPublicError(error, wire);
  if (info !== INTERNAL) return info;
  const errorId = logUnexpectedError(logger, 'request failed', error);
  return {
    ...INTERNAL,
    message: `Internal server error (error id ${errorId}); see the server logs`,
  };
}

/** Wraps any error as a TRPCError carrying the AgentMint error as its cause. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError && !(error.cause instanceof AgentMintError)) return error;
  const info = toPublicError(error);
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[info.httpStatus] ?? 'INTERNAL_SERVER_ERROR',
    message: info.message,
    cause: error instanceof TRPCError ? error.cause : error instanceof Error ? error : undefined,
  });
}

function inputIssues(error: TRPCError): ValidationIssue[] {
  const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((issue: { path?: PropertyKey[]; message?: string; code?: string }) => ({
    path: (issue.path ?? []).map((key) => (typeof key === 'number' ? key : String(key))),
    message: issue.message ?? 'Invalid value',
    code: issue.code ?? 'invalid',
  }));
}
