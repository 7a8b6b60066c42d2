import { AgentMintError } from './agentMintError.ts';
import type { ValidationIssue } from './factoryValidationError.ts';

/** The model's final answer was not JSON, or did not match the agent's `outputSchema`. */
export class OutputValidationError extends AgentMintError {
  readonly issues: readonly ValidationIssue[];

  constructor(agentId: string, issues: readonly ValidationIssue[]) {
    const detail = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    super(
      'OUTPUT_VALIDATION',
      `Agent '${agentId}': the model's answer does not match the output schema (${detail})`,
      {
        publicMessage: `The model's answer does not match the agent's output schema: ${detail}`,
      },
    );
    this.name = 'OutputValidationError';
    this.issues = issues;
  }
}
