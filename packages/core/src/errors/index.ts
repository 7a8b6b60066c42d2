export { AgentMintError, type AgentMintErrorOptions, isAgentMintError } from './agentMintError.ts';
export { AgentNotFoundError } from './agentNotFoundError.ts';
export { displayId } from './displayId.ts';
export { type AgentMintErrorCode, ERROR_HTTP_STATUS, type ErrorHttpStatus } from './errorCodes.ts';
export { FactoryError } from './factoryError.ts';
export { FactoryPermissionError } from './factoryPermissionError.ts';
export {
  FACTORY_INPUT_FIELD,
  FactoryValidationError,
  type ValidationIssue,
} from './factoryValidationError.ts';
export { ForbiddenError } from './forbiddenError.ts';
export { OutputValidationError } from './outputValidationError.ts';
export { RunNotFoundError } from './runNotFoundError.ts';
export { SessionExistsError } from './sessionExistsError.ts';
export { SessionNotFoundError } from './sessionNotFoundError.ts';
export { TooManyRunsError } from './tooManyRunsError.ts';
export { UnauthenticatedError } from './unauthenticatedError.ts';
