import type { AgentMintErrorCode } from '@agentmint/core';

/** Failures the client detects itself: no usable HTTP answer, or the caller aborted. */
export type LocalErrorCode = 'NETWORK_ERROR' | 'ABORTED';

/** Every code an `AgentMintClientError` carries: the server's stable codes plus the local ones. */
export type AgentMintClientErrorCode = AgentMintErrorCode | LocalErrorCode;

/** The server's stable codes with their HTTP status (mirrors core's ERROR_HTTP_STATUS, no import at run time). */
export const SERVER_ERROR_STATUS = {
  BAD_REQUEST: 400,
  FACTORY_VALIDATION: 400,
  INVALID_TOOLS: 400,
  UNKNOWN_TOOL_CALL: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  FACTORY_FORBIDDEN: 403,
  NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  PROCEDURE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  RUN_NOT_ACTIVE: 409,
  RUN_NOT_PAUSED: 409,
  RUN_NOT_CONTINUABLE: 409,
  SESSION_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_RUNS: 429,
  FACTORY_ERROR: 500,
  INTERNAL: 500,
  MODEL_ERROR: 502,
  OUTPUT_VALIDATION: 502,
  MAX_STEPS: 500,
  FEATURE_NOT_SERVED: 501,
  STORE_UNAVAILABLE: 503,
  STORE_LOCKED: 503,
  SHUTTING_DOWN: 503,
} as const satisfies Record<AgentMintErrorCode, number>;

/** The stable code a tRPC error code stands for when a host's error formatter dropped ours. */
export const CODE_BY_TRPC_CODE: Readonly<Record<string, AgentMintErrorCode>> = {
  PARSE_ERROR: 'BAD_REQUEST',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'AGENT_NOT_FOUND',
  CONFLICT: 'RUN_NOT_ACTIVE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  METHOD_NOT_SUPPORTED: 'BAD_REQUEST',
  TOO_MANY_REQUESTS: 'TOO_MANY_RUNS',
  INTERNAL_SERVER_ERROR: 'INTERNAL',
  BAD_GATEWAY: 'MODEL_ERROR',
  SERVICE_UNAVAILABLE: 'SHUTTING_DOWN',
};

export function isServerErrorCode(value: unknown): value is AgentMintErrorCode {
  return typeof value === 'string' && Object.hasOwn(SERVER_ERROR_STATUS, value);
}
