/** Every stable error code a client can see, with the HTTP status it maps to. */
export const ERROR_HTTP_STATUS = {
  BAD_REQUEST: 400,
  FACTORY_VALIDATION: 400,
  /** A continue's `tools` is not a JSON array of tool executions, or misses a decision. */
  INVALID_TOOLS: 400,
  /** A continue names a tool call the paused run is not waiting for. */
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
  /** `tools` were sent for a run that is not PAUSED (or another continue took it first). */
  RUN_NOT_PAUSED: 409,
  /** The run's status allows no continue (running, failed, cancelled). */
  RUN_NOT_CONTINUABLE: 409,
  SESSION_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_RUNS: 429,
  FACTORY_ERROR: 500,
  INTERNAL: 500,
  MODEL_ERROR: 502,
  /** The model's final answer did not match the agent's outputSchema. */
  OUTPUT_VALIDATION: 502,
  MAX_STEPS: 500,
  FEATURE_NOT_SERVED: 501,
  STORE_UNAVAILABLE: 503,
  /** An embedded database file is held by another process (SqliteDb serves one process). */
  STORE_LOCKED: 503,
  SHUTTING_DOWN: 503,
} as const;

export type AgentMintErrorCode = keyof typeof ERROR_HTTP_STATUS;
export type ErrorHttpStatus = (typeof ERROR_HTTP_STATUS)[AgentMintErrorCode];
