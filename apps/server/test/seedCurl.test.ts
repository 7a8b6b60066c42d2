import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HttpAgent } from '@ag-ui/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, startServer, stop } from './serverProcess.ts';

const run = promisify(execFile);
describe('apps/server started like the README says, with no model key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmint-server-'));
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    server = await startServer({
      AGENTMINT_DB_FILE: join(dir, 'agentmint.db'),
      AGENTMINT_JWT_SECRET: '',
    });
  });

  afterAll(async () => {
    if (server) expect(await stop(server.child)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says on start-up that it uses the fake OpenAI-compatible server', () => {
    expect(server.output()).toContain('fake OpenAI-compatible server');
    expect(server.output()).toContain('SQLite file');
    expect(server.output()).toContain('cors:   off');
    expect(server.output()).toContain('8 concurrent runs per user (AGENTMINT_MAX_RUNS_PER_USER)');
  });

  it("answers the seed's first curl command verbatim", async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '-X',
      'POST',
      `${server.url}/agents/tenant-agent/runs`,
      '-F',
      'message=Hello, who are you?',
      '-F',
      'user_id=tenant_42',
      '-F',
      'stream=false',
    ]);
    const body = JSON.parse(stdout) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'COMPLETED',
      agent_id: 'tenant-agent',
      user_id: 'tenant_42',
      model: 'gpt-5.4',
      model_provider: 'OpenAI',
    });
    expect(body.content).toContain('Hello, who are you?');
  });

  it("answers the seed's second curl command verbatim", async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '-X',
      'POST',
      `${server.url}/agents/research-agent/runs`,
      '-F',
      'message=What are the latest trends in AI?',
      '-F',
      'factory_input={"persona": "skeptic", "depth": 5}',
      '-F',
      'stream=false',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'COMPLETED', agent_id: 'research-agent' });
  });

  it('streams SSE through the real openai SDK and the fake server', async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '-N',
      '-X',
      'POST',
      `${server.url}/agents/profile-agent/runs`,
      '-F',
      'message=hi',
    ]);
    const names = [...stdout.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names[0]).toBe('RunStarted');
    expect(names).toContain('RunContent');
    expect(names.at(-1)).toBe('RunCompleted');
  });

  it('answers triage-agent with its typed object as content, from curl', async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '-X',
      'POST',
      `${server.url}/agents/triage-agent/runs`,
      '-F',
      'message=The app crashes on save',
      '-F',
      'factory_input={"product": "Docs"}',
      '-F',
      'stream=false',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'COMPLETED',
      content_type: 'json',
      content: { label: 'bug', priority: 1, summary: 'echo: The app crashes on save' },
    });
  });

  it('refuses the workspace agent without a verified role (403)', async () => {
    const response = await fetch(`${server.url}/agents/workspace-agent/runs`, {
      method: 'POST',
      body: new URLSearchParams({ message: 'hi', stream: 'false' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FACTORY_FORBIDDEN' });
  });

  it('serves AG-UI: HttpAgent streams a factory agent through the real openai SDK', async () => {
    const agent = new HttpAgent({ url: `${server.url}/agui/research-agent` });
    agent.addMessage({ id: 'u1', role: 'user', content: 'What are the latest trends in AI?' });
    const types: string[] = [];
    const { newMessages } = await agent.runAgent(
      { forwardedProps: { factoryInput: { persona: 'skeptic', depth: 5 } } },
      { onEvent: ({ event }) => void types.push(event.type) },
    );
    expect(types[0]).toBe('RUN_STARTED');
    expect(types).toContain('TEXT_MESSAGE_CONTENT');
    expect(types.at(-1)).toBe('RUN_FINISHED');
    expect(newMessages).toEqual([expect.objectContaining({ role: 'assistant' })]);
  });

  it('serves MCP: the SDK client lists the agents as tools and calls one with factory input', async () => {
    const client = new Client({ name: 'seed-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    try {
      const { tools } = await client.listTools();
      const research = tools.find((t) => t.name === 'research-agent');
      expect(research?.inputSchema.properties).toHaveProperty('factoryInput.properties.persona');
      const result = await client.callTool({
        name: 'research-agent',
        arguments: { message: 'Trends?', factoryInput: { persona: 'skeptic', depth: 5 } },
      });
      expect(result.isError).toBeFalsy();
      expect(result.content).toEqual([expect.objectContaining({ type: 'text' })]);
    } finally {
      await client.close();
    }
  });

  it('keeps runs in the SQLite file across the session endpoints', async () => {
    const sessions = (await (await fetch(`${server.url}/sessions`)).json()) as { data: unknown[] };
    expect(sessions.data.length).toBeGreaterThanOrEqual(5);
  });
});

describe('apps/server with AGENTMINT_JWT_SECRET', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmint-server-'));
  const secret = 'apps-server-test-secret-0123456789abcdef';
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    server = await startServer({
      AGENTMINT_DB_FILE: join(dir, 'agentmint.db'),
      AGENTMINT_JWT_SECRET: secret,
      AGENTMINT_CORS_ORIGINS: 'http://localhost:5173',
    });
  });

  afterAll(async () => {
    if (server) await stop(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires a token, and the token command makes one the server accepts with role tools', async () => {
    const anonymous = await fetch(`${server.url}/agents/workspace-agent/runs`, {
      method: 'POST',
      body: new URLSearchParams({ message: 'hi', stream: 'false' }),
    });
    expect(anonymous.status).toBe(401);
    const { stdout: token } = await run(
      process.execPath,
      ['--conditions=@agentmint/source', 'src/printToken.ts', '--sub', 'alice', '--role', 'editor'],
      { cwd: appDir, env: { ...process.env, AGENTMINT_JWT_SECRET: secret } },
    );
    const response = await fetch(`${server.url}/agents/workspace-agent/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.trim()}` },
      body: new URLSearchParams({ message: 'hi', stream: 'false' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'COMPLETED', user_id: 'alice' });
  });

  it('answers a cross-origin preflight from AGENTMINT_CORS_ORIGINS (and names it on start-up)', async () => {
    expect(server.output()).toContain('cors:   http://localhost:5173');
    const preflight = (origin: string) =>
      fetch(`${server.url}/trpc/agents.list`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('authorization');
    const other = await preflight('http://localhost:9999');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
