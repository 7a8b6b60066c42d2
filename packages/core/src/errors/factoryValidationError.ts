import { AgentMintError } from './agentMintError.ts';

/** One failed check of the factory input, with the path to the offending field. */
export interface ValidationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code: string;
}

/** `factoryInput` was not JSON, not an object, or failed the factory's schema (HTTP 400). */
export class FactoryValidationError extends AgentMintError {
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[] = []) {
    super('FACTORY_VALIDATION', message);
    this.name = 'FactoryValidationError';
    this.issues = issues;
  }
}
