import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentInfo } from '../agentInfo.ts';

const MESSAGE_PROPERTY = { type: 'string', minLength: 1, description: 'What to ask the agent.' };
const SESSION_PROPERTY = {
  type: 'string',
  description: 'Continue this session (its earlier runs are the history); omit to start one.',
};
/** A factory without an input schema takes any object, passed to it as is. */
const ANY_OBJECT = { type: 'object', additionalProperties: true };

/**
 * One MCP tool per agent, named by its id, with input `{ message, sessionId?, factoryInput }`:
 * `factoryInput` is the JSON Schema of the factory's zod schema (input side), so an MCP client
 * knows what to send before it calls. Plain agents take no factory input.
 */
export function agentTool(info: AgentInfo): Tool {
  const factoryInput = info.isFactory ? factoryInputProperty(info) : undefined;
  return {
    name: info.id,
    ...(info.name !== null && { title: info.name }),
    description: info.description ?? info.name ?? `Runs the AgentMint agent '${info.id}'.`,
    inputSchema: {
      type: 'object',
      properties: {
        message: MESSAGE_PROPERTY,
        sessionId: SESSION_PROPERTY,
        ...(factoryInput && { factoryInput: factoryInput.schema }),
      },
      required: factoryInput?.required ? ['message', 'factoryInput'] : ['message'],
      additionalProperties: false,
    },
  };
}

function factoryInputProperty(info: AgentInfo): { schema: object; required: boolean } {
  if (info.factoryInputSchema === null) return { schema: ANY_OBJECT, required: false };
  // A nested schema carries no `$schema`: the tool's input schema is one document.
  const { $schema: _dialect, ...schema } = info.factoryInputSchema;
  const required = Array.isArray(schema.required) && schema.required.length > 0;
  return {
    schema: { description: "Factory input, checked by the agent's schema.", ...schema },
    required,
  };
}
