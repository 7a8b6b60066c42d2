import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agui } from '../src/agui/index.ts';
import { AgentOS, type ServerHandle } from '../src/index.ts';
import { mcp } from '../src/mcp/index.ts';
import { seedAgents, signToken, TEST_JWT_SECRET } from './fixtures.ts';

// Starting a run is one operation: refused for the same reason on REST, tRPC, AG-UI and MCP, it
// answers the same code (an HTTP status on the first three, a tool error on MCP) and never builds
// the agent.

interface Start {
  readonly agentId: string;
  readonly message: string;
  readonly sessionId?: string;
  readonly factoryInput?: unknown;
}

let server: ServerHandle;
let seed: ReturnType<typeof seedAgents>;
let aliceSession: string;
const clients: Client[] = [];

beforeAll(async () => {
  seed = seedAgents();
  const os = new AgentOS({
    agents: seed.agents,
    auth: { secret: TEST_JWT_SECRET, algorithms: ['HS256'] },
    interfaces: [agui(), mcp()],
  });
  server = await os.serve({ port: 0 });
  const response = await fetch(`${server.url}/agents/tenant-agent/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await signToken('alice')}` },
    body: new URLSearchParams({ message: 'hello', stream: 'false' }),
  });
  aliceSession = ((await response.json()) as { session_id: string }).session_id;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server.close({ graceMs: 100 });
});

const viaRest = async (start: Start, token: string) => {
  const response = await fetch(`${server.url}/agents/${start.agentId}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      message: start.message,
      stream: false,
      session_id: start.sessionId,
      factory_input: start.factoryInput,
    }),
  });
  return { status: response.status, code: ((await response.json()) as { code?: string }).code };
};

const viaTrpc = async (start: Start, token: string) => {
  const { agentId, ...input } = start;
  const response = await fetch(`${server.url}/trpc/agents.${agentId}.run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(superjson.serialize(input)),
  });
  const json = (await response.json()) as {
    error?: { json?: { data?: { agentmintCode?: string } } };
  };
  return { status: response.status, code: json.error?.json?.data?.agentmintCode };
};

const viaAgUi = async (start: Start, token: string) => {
  const response = await fetch(`${server.url}/agui/${start.agentId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      threadId: start.sessionId ?? crypto.randomUUID(),
      runId: crypto.randomUUID(),
      messages: [{ id: 'u1', role: 'user', content: start.message }],
      forwardedProps: { factoryInput: start.factoryInput },
    }),
  });
  return { status: response.status, code: ((await response.json()) as { code?: string }).code };
};

const viaMcp = async (start: Start, token: string) => {
  const client = new Client({ name: 'parity', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  clients.push(client);
  const { agentId, ...args } = start;
  const result = (await client.callTool({ name: agentId, arguments: args })) as CallToolResult;
  return {
    isError: result.isError,
    code: (result.structuredContent as { code?: string } | undefined)?.code,
  };
};

const scenarios = [
  {
    name: 'a token without a run scope',
    token: () => signToken('alice', 'agents:read'),
    start: (): Start => ({ agentId: 'research-agent', message: 'hi' }),
    expected: { status: 403, code: 'FORBIDDEN' },
  },
  {
    name: "another user's session",
    token: () => signToken('bob'),
    start: (): Start => ({ agentId: 'tenant-agent', message: 'hi', sessionId: aliceSession }),
    expected: { status: 404, code: 'SESSION_NOT_FOUND' },
  },
  {
    name: 'factory input the schema refuses',
    token: () => signToken('alice'),
    start: (): Start => ({
      agentId: 'research-agent',
      message: 'hi',
      factoryInput: { persona: 'pirate' },
    }),
    expected: { status: 400, code: 'FACTORY_VALIDATION' },
  },
  {
    name: 'an unknown agent',
    token: () => signToken('alice'),
    start: (): Start => ({ agentId: 'no-such-agent', message: 'hi' }),
    expected: { status: 404, code: 'AGENT_NOT_FOUND' },
  },
] as const;

describe('starting a run answers the same on REST, tRPC, AG-UI and MCP', () => {
  for (const scenario of scenarios) {
    it(`with ${scenario.name}`, async () => {
      const token = await scenario.token();
      const start = scenario.start();
      const builds = seed.calls.research + seed.calls.tenant;
      expect(await viaRest(start, token)).toEqual(scenario.expected);
      expect(await viaTrpc(start, token)).toEqual(scenario.expected);
      expect(await viaAgUi(start, token)).toEqual(scenario.expected);
      expect(await viaMcp(start, token)).toEqual({ isError: true, code: scenario.expected.code });
      expect(seed.calls.research + seed.calls.tenant).toBe(builds);
    });
  }
});
