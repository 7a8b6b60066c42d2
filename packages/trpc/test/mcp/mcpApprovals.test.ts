import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult,
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { mcp } from '../../src/mcp/index.ts';
import { hitlDocsAgent } from '../hitlDocsAgent.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `docs-agent` (test/hitlDocsAgent.ts) on a server with the MCP interface. */
async function start() {
  const { agent, model, deleted } = hitlDocsAgent();
  const os = new AgentOS({
    agents: [agent],
    interfaces: [mcp()],
  });
  const server: ServerHandle = await os.serve({ port: 0 });
  cleanups.push(() => server.close({ graceMs: 100 }));
  return { url: server.url, os, deleted, model };
}

/** The MCP SDK client; with `answer`, it declares elicitation and answers each request so. */
async function connect(url: string, answer?: (request: ElicitRequest) => ElicitResult) {
  const client = new Client(
    { name: 'agentmint-test', version: '1.0.0' },
    { capabilities: answer ? { elicitation: {} } : {} },
  );
  const asked: ElicitRequest[] = [];
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request);
      return answer(request);
    });
  }
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  cleanups.push(() => client.close());
  const call = async (message: string) =>
    (await client.callTool({ name: 'docs-agent', arguments: { message } })) as CallToolResult;
  return { call, asked };
}

const text = (result: CallToolResult) =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('MCP: a run that waits for a human asks the client (elicitation)', () => {
  it('asks to allow the call; accept runs the tool and the call returns the answer', async () => {
    const { url, deleted } = await start();
    const { call, asked } = await connect(url, () => ({ action: 'accept', content: {} }));
    const result = await call('Delete the plan');
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe('model saw: deleted Plan');
    expect(deleted).toEqual(['Plan']);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.params.message).toContain('delete_doc({"title":"Plan"})');
  });

  it('decline rejects the call: the tool never runs, the model is told, with the note', async () => {
    const { url, deleted, model } = await start();
    const { call } = await connect(url, () => ({
      action: 'decline',
      content: { note: 'keep it' },
    }));
    const result = await call('Delete the plan');
    expect(result.isError).toBeFalsy();
    expect(deleted).toEqual([]);
    const last = model.lastRequest?.messages.at(-1);
    expect(last).toMatchObject({ role: 'tool', toolCallId: 'call_delete', isError: true });
  });

  it("hands an external tool's result, entered by the user, to the model", async () => {
    const { url } = await start();
    const { call, asked } = await connect(url, () => ({
      action: 'accept',
      content: { result: '1920 px' },
    }));
    const result = await call('Measure my screen');
    expect(text(result)).toBe('model saw: 1920 px');
    expect(asked[0]?.params).toMatchObject({
      requestedSchema: { required: ['result'] },
    });
  });

  it('without elicitation, answers RUN_PAUSED naming the calls; the run stays PAUSED', async () => {
    const { url, os, deleted } = await start();
    const { call } = await connect(url);
    const result = await call('Delete the plan');
    expect(result.isError).toBe(true);
    const body = result.structuredContent as { code: string; runId: string };
    expect(body.code).toBe('RUN_PAUSED');
    expect(text(result)).toContain('delete_doc (call_delete)');
    expect((await os.runtime.getRun(body.runId)).status).toBe('PAUSED');
    expect(deleted).toEqual([]);
  });
});
