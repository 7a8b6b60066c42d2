import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/agentInfo.ts';
import { agentTool } from '../../src/mcp/agentTools.ts';
import { publicErrorToolResult, runToolResult } from '../../src/mcp/toolResults.ts';

const info = (overrides: Partial<AgentInfo>): AgentInfo => ({
  id: 'a',
  name: null,
  description: null,
  dbId: null,
  isFactory: true,
  model: null,
  factoryInputSchema: null,
  ...overrides,
});

describe('agentTool (agent → MCP tool)', () => {
  it('requires factoryInput only when the schema has required fields, and drops $schema', () => {
    const tool = agentTool(
      info({
        id: 'strict-agent',
        name: 'Strict',
        description: 'Needs a tenant',
        factoryInputSchema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          description: 'Who is asking',
          properties: { tenant: { type: 'string' } },
          required: ['tenant'],
        },
      }),
    );
    expect(tool).toMatchObject({
      name: 'strict-agent',
      title: 'Strict',
      description: 'Needs a tenant',
    });
    expect(tool.inputSchema.required).toEqual(['message', 'factoryInput']);
    expect(tool.inputSchema.properties?.factoryInput).toEqual({
      type: 'object',
      description: 'Who is asking',
      properties: { tenant: { type: 'string' } },
      required: ['tenant'],
    });
  });

  it('takes any object for a factory without a schema, and no factoryInput for a plain agent', () => {
    const loose = agentTool(info({ id: 'loose' }));
    expect(loose.inputSchema.properties?.factoryInput).toEqual({
      type: 'object',
      additionalProperties: true,
    });
    expect(loose.description).toBe("Runs the AgentMint agent 'loose'.");
    const plain = agentTool(info({ id: 'plain', isFactory: false }));
    expect(plain.inputSchema.properties).not.toHaveProperty('factoryInput');
    expect(plain.inputSchema.required).toEqual(['message']);
  });
});

describe('tool results', () => {
  const output = {
    runId: 'r',
    sessionId: 's',
    agentId: 'a',
    userId: null,
    content: 'hi',
    output: null,
    contentType: 'str',
    model: 'm',
    modelProvider: 'p',
    metrics: null,
    messages: [],
    createdAt: new Date(0),
  } as const;

  it('a completed run is its text; a failed or cancelled run is a tool error', () => {
    expect(runToolResult({ ...output, status: 'COMPLETED', error: null })).toEqual({
      content: [{ type: 'text', text: 'hi' }],
      _meta: { agentmint: { runId: 'r', sessionId: 's' } },
    });
    expect(
      runToolResult({
        ...output,
        status: 'COMPLETED',
        error: null,
        content: '{"score":3}',
        output: { score: 3 },
      }),
    ).toMatchObject({
      content: [{ type: 'text', text: '{"score":3}' }],
      structuredContent: { score: 3 },
    });
    expect(
      runToolResult({
        ...output,
        status: 'ERROR',
        error: { code: 'MODEL_ERROR', message: 'The model failed' },
      }),
    ).toMatchObject({
      isError: true,
      structuredContent: { code: 'MODEL_ERROR', detail: 'The model failed', runId: 'r' },
    });
    expect(runToolResult({ ...output, status: 'CANCELLED', error: null })).toMatchObject({
      isError: true,
      structuredContent: { code: 'CANCELLED' },
    });
  });

  it('a refusal carries code, detail and issues as JSON text and structured content', () => {
    const result = publicErrorToolResult({
      httpStatus: 400,
      code: 'FACTORY_VALIDATION',
      message: 'Invalid factoryInput',
      issues: [{ path: ['factoryInput', 'x'], message: 'Required', code: 'invalid_type' }],
    });
    expect(result.isError).toBe(true);
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(
      result.structuredContent,
    );
    expect(result.structuredContent).toEqual({
      code: 'FACTORY_VALIDATION',
      detail: 'Invalid factoryInput',
      issues: [{ path: ['factoryInput', 'x'], message: 'Required', code: 'invalid_type' }],
    });
  });
});
