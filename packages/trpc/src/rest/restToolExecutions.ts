import { AgentMintError, type ToolExecutionInput } from '@agentmint/core';

/**
 * Agno's `tools` field as AgentMint's decisions: a JSON array (a JSON string in forms, as Agno's
 * client sends `json.dumps([tool.to_dict() …])`) of ToolExecution objects, each naming its
 * `tool_call_id` with `confirmed` (+ `confirmation_note`) or `result`. Other ToolExecution fields
 * are accepted and ignored. Anything else is INVALID_TOOLS (400).
 */
export function restToolExecutions(value: unknown): ToolExecutionInput[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalid('`tools` is not valid JSON');
    }
  }
  if (!Array.isArray(parsed)) throw invalid('`tools` must be a JSON array of tool executions');
  return parsed.map((item: unknown, index) => toolExecution(item, index));
}

function toolExecution(item: unknown, index: number): ToolExecutionInput {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw invalid(`\`tools[${index}]\` must be an object`);
  }
  const fields = item as Record<string, unknown>;
  const id = fields.tool_call_id;
  if (typeof id !== 'string' || id === '') {
    throw invalid(`\`tools[${index}].tool_call_id\` must be a non-empty string`);
  }
  const confirmed = fields.confirmed;
  if (confirmed !== undefined && confirmed !== null && typeof confirmed !== 'boolean') {
    throw invalid(`\`tools[${index}].confirmed\` must be true or false`);
  }
  const note = fields.confirmation_note;
  if (note !== undefined && note !== null && typeof note !== 'string') {
    throw invalid(`\`tools[${index}].confirmation_note\` must be a string`);
  }
  const result = fields.result;
  return {
    toolCallId: id,
    ...(typeof confirmed === 'boolean' && { confirmed }),
    ...(typeof note === 'string' && { confirmationNote: note }),
    // Agno's result is text; a structured result is sent to the model as its JSON.
    ...(result !== undefined &&
      result !== null && {
        result: typeof result === 'string' ? result : JSON.stringify(result),
      }),
  };
}

function invalid(message: string): AgentMintError {
  return new AgentMintError('INVALID_TOOLS', message);
}
