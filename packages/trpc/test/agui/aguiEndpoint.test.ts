import { type BaseEvent, HttpAgent } from '@ag-ui/client';
import { Agent, AgentFactory, InMemoryDb, tool } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agui } from '../../src/agui/index.ts';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { seedAgents, signToken, TEST_JWT_SECRET } from '../fixtures.ts';
import { aguiRun, TOOL_CALL, textMessage } from './aguiEventLists.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

async function start(options: { auth?: boolean; model?: ScriptedModel } = {}) {
  const model = options.model ?? new ScriptedModel();
  const db = new InMemoryDb();
  const seed = seedAgents(db, model);
  const weather = tool({
    name: 'weather',
    description: 'Weather in a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => `sunny in ${city}`,
  });
  // The seed's agents plus one with a server-side tool.
  const toolAgent = new AgentFactory({
    id: 'tool-agent',
    db,
    factory: () => new Agent({ model, tools: [weather] }),
  });
  const os = new AgentOS({
    agents: [...seed.agents, toolAgent],
    interfaces: [agui()],
    ...(options.auth && { auth: { secret: TEST_JWT_SECRET, algorithms: ['HS256'] } }),
  });
  const server = await os.serve({ port: 0 });
  servers.push(server);
  return { ...seed, os, url: server.url };
}

/** Runs `agent` once with `message`, recording every AG-UI event the client applied. */
async function run(
  agent: HttpAgent,
  message: string,
  parameters: Parameters<HttpAgent['runAgent']>[0] = {},
) {
  const events: BaseEvent[] = [];
  agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: message });
  const result = await agent.runAgent(parameters, {
    onEvent: ({ event }) => {
      events.push(event);
    },
  });
  return { events, types: events.map((e) => e.type), result };
}

function agentAt(url: string, agentId: string, init: { token?: string; threadId?: string } = {}) {
  return new HttpAgent({
    url: `${url}/agui/${agentId}`,
    ...(init.threadId && { threadId: init.threadId }),
    ...(init.token && { headers: { authorization: `Bearer ${init.token}` } }),
  });
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable('expected the run to be refused'),
    (e: unknown) => e as Error & { status?: number; payload?: Record<string, unknown> },
  );
  return error;
}

describe('AG-UI endpoint with @ag-ui/client HttpAgent', () => {
  it('streams text as TEXT_MESSAGE_* between RUN_STARTED and RUN_FINISHED', async () => {
    const model = new ScriptedModel({ turns: [{ text: 'Hello from AgentMint', deltas: 3 }] });
    const { url } = await start({ model });
    const agent = agentAt(url, 'tenant-agent');
    const { types, result } = await run(agent, 'Hi');
    expect(types).toEqual(aguiRun(textMessage(3)));
    expect(result.newMessages).toEqual([
      expect.objectContaining({ role: 'assistant', content: 'Hello from AgentMint' }),
    ]);
    expect(agent.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('streams server tool calls as TOOL_CALL_START/ARGS/END/RESULT', async () => {
    const model = new ScriptedModel({
      turns: [
        { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' }, id: 'call_w' }] },
        (request) => ({ text: `It is ${String(request.messages.at(-1)?.content)}` }),
      ],
    });
    const { url } = await start({ model });
    const agent = agentAt(url, 'tool-agent');
    const { types, events, result } = await run(agent, 'Weather in Oslo?');
    expect(types).toEqual(aguiRun(TOOL_CALL, textMessage()));
    expect(events[1]).toMatchObject({ toolCallId: 'call_w', toolCallName: 'weather' });
    expect(events[4]).toMatchObject({ toolCallId: 'call_w', content: 'sunny in Oslo' });
    expect(result.newMessages).toEqual([
      expect.objectContaining({
        role: 'assistant',
        toolCalls: [
          {
            id: 'call_w',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      }),
      expect.objectContaining({ role: 'tool', toolCallId: 'call_w', content: 'sunny in Oslo' }),
      expect.objectContaining({ role: 'assistant', content: 'It is sunny in Oslo' }),
    ]);
  });

  it('returns the structured answer of an agent with an outputSchema as RUN_FINISHED.result', async () => {
    const model = new ScriptedModel({ turns: [{ text: '{"label":"bug"}' }] });
    const triage = new AgentFactory({
      id: 'triage-agent',
      db: new InMemoryDb(),
      factory: () => new Agent({ model, outputSchema: z.object({ label: z.string() }) }),
    });
    const server = await new AgentOS({ agents: [triage], interfaces: [agui()] }).serve({ port: 0 });
    servers.push(server);
    const { result } = await run(agentAt(server.url, 'triage-agent'), 'It crashes');
    expect(result.result).toEqual({ label: 'bug' });
  });

  it('passes forwardedProps.factoryInput to the factory, validated by its schema', async () => {
    const { url, seen, calls } = await start();
    await run(agentAt(url, 'research-agent'), 'Trends?', {
      forwardedProps: { factoryInput: { persona: 'skeptic', depth: 5 } },
    });
    await run(agentAt(url, 'research-agent'), 'Defaults?');
    expect(seen.inputs).toEqual([
      { persona: 'skeptic', depth: 5 },
      { persona: 'analyst', depth: 3 },
    ]);

    const events: BaseEvent[] = [];
    const refused = agentAt(url, 'research-agent');
    refused.addMessage({ id: 'u1', role: 'user', content: 'Trends?' });
    const error = await rejection(
      refused.runAgent(
        { forwardedProps: { factoryInput: { persona: 'pirate', depth: '5' } } },
        { onEvent: ({ event }) => void events.push(event) },
      ),
    );
    expect(error.status).toBe(400);
    expect(error.payload).toMatchObject({
      code: 'FACTORY_VALIDATION',
      issues: [
        expect.objectContaining({ path: ['factoryInput', 'persona'] }),
        expect.objectContaining({ path: ['factoryInput', 'depth'] }),
      ],
    });
    expect(events).toEqual([]);
    expect(calls.research).toBe(2);
  });

  it('answers 404 for an unknown agent and 400 for a body that is not a RunAgentInput', async () => {
    const { url } = await start();
    const unknown = await rejection(run(agentAt(url, 'nope'), 'Hi'));
    expect(unknown).toMatchObject({ status: 404, payload: { code: 'AGENT_NOT_FOUND' } });
    const response = await fetch(`${url}/agui/tenant-agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId: 'r', messages: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('requires the JWT like REST and tRPC: no token → 401, missing scope → 403, no factory call', async () => {
    const { url, calls } = await start({ auth: true });
    const noToken = await rejection(run(agentAt(url, 'tenant-agent'), 'Hi'));
    expect(noToken).toMatchObject({ status: 401, payload: { code: 'UNAUTHENTICATED' } });
    const readOnly = await signToken('alice', 'agents:read');
    const forbidden = await rejection(run(agentAt(url, 'tenant-agent', { token: readOnly }), 'Hi'));
    expect(forbidden).toMatchObject({ status: 403, payload: { code: 'FORBIDDEN' } });
    expect(calls.tenant).toBe(0);
    const { types } = await run(
      agentAt(url, 'tenant-agent', { token: await signToken('alice') }),
      'Hi',
    );
    expect(types.at(-1)).toBe('RUN_FINISHED');
    expect(calls.tenant).toBe(1);
  });

  it('keeps the thread history across calls: the thread is the session', async () => {
    const { url, model, os } = await start();
    const agent = agentAt(url, 'tenant-agent', { threadId: 'thread-history' });
    await run(agent, 'My name is Ada.');
    await run(agent, 'What is my name?');
    expect(model.lastRequest?.messages.filter((m) => m.role !== 'system')).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'echo: My name is Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);
    const { runs } = await os.runtime.getSession('thread-history');
    expect(runs).toHaveLength(2);
  });

  it("isolates users: another user's token cannot continue or read a thread", async () => {
    const { url, model } = await start({ auth: true });
    const alice = agentAt(url, 'tenant-agent', {
      token: await signToken('alice'),
      threadId: 't-alice',
    });
    await run(alice, 'Secret plan');
    const mallory = agentAt(url, 'tenant-agent', {
      token: await signToken('mallory'),
      threadId: 't-alice',
    });
    const refused = await rejection(run(mallory, 'What did alice say?'));
    expect(refused).toMatchObject({ status: 404, payload: { code: 'SESSION_NOT_FOUND' } });
    const calls = model.calls;
    const own = agentAt(url, 'tenant-agent', {
      token: await signToken('mallory'),
      threadId: 't-mallory',
    });
    await run(own, 'Hello');
    expect(model.calls).toBe(calls + 1);
    expect(JSON.stringify(model.lastRequest?.messages)).not.toContain('Secret plan');
  });

  it('cancels the run when the client aborts (the run ends CANCELLED)', async () => {
    const model = new ScriptedModel({
      turns: [{ text: 'a b c d e f g h i j k l m n o p', deltas: 16, delayMs: 200 }],
    });
    const { url, os } = await start({ model });
    const agent = agentAt(url, 'tenant-agent');
    agent.addMessage({ id: 'u1', role: 'user', content: 'Talk slowly' });
    let runId: string | undefined;
    const finished = agent
      .runAgent(
        {},
        {
          onRunStartedEvent: ({ event }) => {
            runId = (event.metadata as { agentmint: { runId: string } }).agentmint.runId;
          },
          onTextMessageContentEvent: () => agent.abortRun(),
        },
      )
      .catch(() => undefined);
    await finished;
    expect(runId).toBeDefined();
    // The server sees the disconnect, cancels, and records it; wait for the record, not a clock.
    let status = 'RUNNING';
    for (let i = 0; i < 200 && status === 'RUNNING'; i++) {
      status = (await os.runtime.getRun(runId as string)).status;
      if (status === 'RUNNING') await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe('CANCELLED');
  });
});
