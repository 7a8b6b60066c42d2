import { Agent, AgentFactory, InMemoryDb } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { mcp } from '../../src/mcp/index.ts';
import { seedAgents, signToken, TEST_JWT_SECRET } from '../fixtures.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { auth?: boolean; model?: ScriptedModel } = {}) {
  const seed = seedAgents(new InMemoryDb(), options.model ?? new ScriptedModel());
  const os = new AgentOS({
    agents: seed.agents,
    interfaces: [mcp()],
    ...(options.auth && { auth: { secret: TEST_JWT_SECRET, algorithms: ['HS256'] } }),
  });
  const server: ServerHandle = await os.serve({ port: 0 });
  cleanups.push(() => server.close({ graceMs: 100 }));
  return { ...seed, os, url: server.url };
}

/** The MCP SDK's own client over Streamable HTTP, with an optional bearer token. */
async function connect(url: string, token?: string) {
  const client = new Client({ name: 'agentmint-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    ...(token && { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return { client, transport };
}

const text = (result: CallToolResult) =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('MCP endpoint with the MCP SDK Client over StreamableHTTPClientTransport', () => {
  it('answers an agent with an outputSchema as structuredContent', async () => {
    const model = new ScriptedModel({ turns: [{ text: '{"label":"bug","score":0.75}' }] });
    const triage = new AgentFactory({
      id: 'triage-agent',
      db: new InMemoryDb(),
      factory: () =>
        new Agent({
          model,
          outputSchema: z.object({ label: z.enum(['bug', 'question']), score: z.number() }),
        }),
    });
    const os = new AgentOS({ agents: [triage], interfaces: [mcp()] });
    const server = await os.serve({ port: 0 });
    cleanups.push(() => server.close({ graceMs: 100 }));
    const { client } = await connect(server.url);
    const result = (await client.callTool({
      name: 'triage-agent',
      arguments: { message: 'It crashes' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ label: 'bug', score: 0.75 });
  });

  it("lists one tool per agent, with each factory's input schema", async () => {
    const { url } = await start();
    const { client } = await connect(url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'tenant-agent',
      'research-agent',
      'workspace-agent',
      'plain-agent',
    ]);
    const research = tools.find((t) => t.name === 'research-agent');
    expect(research?.inputSchema).toEqual({
      type: 'object',
      properties: {
        message: expect.objectContaining({ type: 'string' }),
        sessionId: expect.objectContaining({ type: 'string' }),
        factoryInput: {
          description: "Factory input, checked by the agent's schema.",
          type: 'object',
          properties: {
            persona: {
              type: 'string',
              enum: ['analyst', 'advisor', 'skeptic'],
              default: 'analyst',
            },
            depth: {
              type: 'integer',
              default: 3,
              minimum: expect.any(Number),
              maximum: expect.any(Number),
            },
          },
        },
      },
      required: ['message'],
      additionalProperties: false,
    });
    const plain = tools.find((t) => t.name === 'plain-agent');
    expect(Object.keys(plain?.inputSchema.properties ?? {})).toEqual(['message', 'sessionId']);
  });

  it('calls an agent with valid factory input; invalid input is a tool error with the issues', async () => {
    const { url, seen, calls } = await start();
    const { client } = await connect(url);
    const ok = (await client.callTool({
      name: 'research-agent',
      arguments: { message: 'Trends?', factoryInput: { persona: 'skeptic', depth: 5 } },
    })) as CallToolResult;
    expect(ok.isError).toBeFalsy();
    expect(text(ok)).toBe('echo: Trends?');
    expect(seen.inputs).toEqual([{ persona: 'skeptic', depth: 5 }]);

    const bad = (await client.callTool({
      name: 'research-agent',
      arguments: { message: 'Trends?', factoryInput: { persona: 'pirate' } },
    })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent).toMatchObject({
      code: 'FACTORY_VALIDATION',
      issues: [expect.objectContaining({ path: ['factoryInput', 'persona'] })],
    });
    expect(JSON.parse(text(bad))).toMatchObject({ code: 'FACTORY_VALIDATION' });
    expect(calls.research).toBe(1);

    const noMessage = (await client.callTool({
      name: 'research-agent',
      arguments: { factoryInput: {} },
    })) as CallToolResult;
    expect(noMessage).toMatchObject({ isError: true, structuredContent: { code: 'BAD_REQUEST' } });
    const unknown = (await client.callTool({
      name: 'nope',
      arguments: { message: 'hi' },
    })) as CallToolResult;
    expect(unknown).toMatchObject({
      isError: true,
      structuredContent: { code: 'AGENT_NOT_FOUND' },
    });
    // The session still works after every refusal: none was a protocol failure.
    expect((await client.listTools()).tools).toHaveLength(4);
  });

  it('sends progress notifications while the run streams, then the whole answer', async () => {
    const model = new ScriptedModel({ turns: [{ text: 'one two three', deltas: 3 }] });
    const { url } = await start({ model });
    const { client } = await connect(url);
    const progress: Progress[] = [];
    const result = (await client.callTool(
      { name: 'tenant-agent', arguments: { message: 'count' } },
      undefined,
      { onprogress: (p) => void progress.push(p) },
    )) as CallToolResult;
    expect(text(result)).toBe('one two three');
    expect(progress.map((p) => p.message).join('')).toBe('one two three');
    const steps = progress.map((p) => p.progress);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('cancels the run when the MCP client cancels the call', async () => {
    const model = new ScriptedModel({
      turns: [{ text: 'a b c d e f g h i j k l m n o p', deltas: 16, delayMs: 200 }],
    });
    const { url, os } = await start({ model });
    const { client } = await connect(url);
    const controller = new AbortController();
    const call = client.callTool(
      { name: 'tenant-agent', arguments: { message: 'slow' } },
      undefined,
      {
        signal: controller.signal,
        onprogress: () => controller.abort('user pressed stop'),
      },
    );
    await expect(call).rejects.toThrow();
    // notifications/cancelled reaches the server; wait for the recorded outcome, not a clock.
    let statuses: string[] = [];
    for (let i = 0; i < 200; i++) {
      const sessions = await os.runtime.listSessions({});
      const runs = await Promise.all(
        sessions.map(async (s) => (await os.runtime.getSession(s.sessionId)).runs),
      );
      statuses = runs.flat().map((r) => r.status);
      if (statuses.length > 0 && !statuses.includes('RUNNING')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(statuses).toEqual(['CANCELLED']);
  });

  it('uses the same JWT: no token is 401, scopes filter the tool list and the calls', async () => {
    const { url, calls } = await start({ auth: true });
    await expect(connect(url)).rejects.toThrow(/401|Unauthorized|UNAUTHENTICATED/i);
    const { client } = await connect(url, await signToken('alice', 'agents:research-agent:run'));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['research-agent']);
    const refused = (await client.callTool({
      name: 'tenant-agent',
      arguments: { message: 'hi' },
    })) as CallToolResult;
    expect(refused).toMatchObject({ isError: true, structuredContent: { code: 'FORBIDDEN' } });
    expect(calls.tenant).toBe(0);
    const admin = await connect(url, await signToken('root', 'agent_os:admin'));
    expect((await admin.client.listTools()).tools).toHaveLength(4);
  });

  it('works from a browser on an allowed origin: CORS exposes Mcp-Session-Id', async () => {
    const os = new AgentOS({
      agents: seedAgents().agents,
      interfaces: [mcp()],
      cors: { origins: ['http://app.example.test'] },
    });
    const server = await os.serve({ port: 0 });
    cleanups.push(() => server.close({ graceMs: 100 }));
    const response = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        origin: 'http://app.example.test',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'browser', version: '1.0.0' },
        },
      }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.example.test');
    expect(response.headers.get('access-control-expose-headers')).toMatch(/Mcp-Session-Id/i);
    expect(response.headers.get('mcp-session-id')).toEqual(expect.any(String));
    await response.body?.cancel();
  });

  it("isolates users: another user's token cannot read or continue the first user's session", async () => {
    const model = new ScriptedModel();
    const { url } = await start({ auth: true, model });
    const alice = await connect(url, await signToken('alice'));
    const first = (await alice.client.callTool({
      name: 'tenant-agent',
      arguments: { message: 'My secret is 42' },
    })) as CallToolResult;
    const sessionId = (first._meta as { agentmint: { sessionId: string } }).agentmint.sessionId;
    const again = (await alice.client.callTool({
      name: 'tenant-agent',
      arguments: { message: 'What is my secret?', sessionId },
    })) as CallToolResult;
    expect(again.isError).toBeFalsy();
    expect(JSON.stringify(model.lastRequest?.messages)).toContain('My secret is 42');

    const mallory = await connect(url, await signToken('mallory'));
    const stolen = (await mallory.client.callTool({
      name: 'tenant-agent',
      arguments: { message: 'What is the secret?', sessionId },
    })) as CallToolResult;
    expect(stolen).toMatchObject({
      isError: true,
      structuredContent: { code: 'SESSION_NOT_FOUND' },
    });
    expect(JSON.stringify(model.lastRequest?.messages)).not.toContain('What is the secret?');

    // Nor can mallory's token use alice's MCP session.
    const hijack = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await signToken('mallory')}`,
        'mcp-session-id': alice.transport.sessionId ?? '',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(hijack.status).toBe(404);
  });
});
