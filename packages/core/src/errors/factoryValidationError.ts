import { AgentMintError } from './agentMintError.ts';

/** One failed check of the factory input, with the path to the offending field. */
export interface ValidationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code: string;
}

/** The factory input's name in the TypeScript API and on tRPC; issue paths start with it. */
export const FACTORY_INPUT_FIELD = 'factoryInput';

/** `factoryInput` was not JSON, not an object, or failed the factory's schema (HTTP 400). */
export class FactoryValidationError extends AgentMintError {
  readonly issues: readonly ValidationIssue[];
  readonly #describe: (field: string) => string;

  /** `message` may name the input through a function, so each transport can use its wire name. */
  constructor(
    message: string | ((field: string) => string),
    issues: readonly ValidationIssue[] = [],
  ) {
    const describe = typeof message === 'string' ? () => message : message;
    super('FACTORY_VALIDATION', describe(FACTORY_INPUT_FIELD));
    this.name = 'FactoryValidationError';
    this.issues = issues;
    this.#describe = describe;
  }

  /** The message and issues with the input called `field` (REST's form field is `factory_input`). */
  named(field: string): { message: string; issues: readonly ValidationIssue[] } {
    return {
      message: this.#describe(field),
      issues: this.issues.map((issue) =>
        issue.path[0] === FACTORY_INPUT_FIELD
          ? { ...issue, path: [field, ...issue.path.slice(1)] }
          : issue,
      ),
    };
  }
}
