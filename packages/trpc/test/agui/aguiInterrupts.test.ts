import { type BaseEvent, HttpAgent, type RunAgentParameters } from '@ag-ui/client';
import { EventType, type RunFinishedEvent } from '@ag-ui/core';
import { afterEach, describe, expect, it } from 'vitest';
import { agui } from '../../src/agui/index.ts';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { signToken, TEST_JWT_SECRET } from '../fixtures.ts';
import { hitlDocsAgent } from '../hitlDocsAgent.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

/** `docs-agent` (test/hitlDocsAgent.ts) on a server with the AG-UI interface. */
async function start(options: { auth?: boolean } = {}) {
  const { agent, model, deleted } = hitlDocsAgent();
  const os = new AgentOS({
    agents: [agent],
    interfaces: [agui()],
    ...(options.auth && { auth: { secret: TEST_JWT_SECRET, algorithms: ['HS256'] } }),
  });
  const server = await os.serve({ port: 0 });
  servers.push(server);
  return { url: server.url, os, model, deleted };
}

function agentAt(url: string, init: { token?: string; threadId?: string } = {}) {
  return new HttpAgent({
    url: `${url}/agui/docs-agent`,
    ...(init.threadId && { threadId: init.threadId }),
    ...(init.token && { headers: { authorization: `Bearer ${init.token}` } }),
  });
}

/** One AG-UI run, recording every event the client applied. */
async function runOnce(agent: HttpAgent, parameters: RunAgentParameters = {}) {
  const events: BaseEvent[] = [];
  await agent.runAgent(parameters, { onEvent: ({ event }) => void events.push(event) });
  const finished = events.find((e) => e.type === EventType.RUN_FINISHED) as
    | RunFinishedEvent
    | undefined;
  return { events, types: events.map((e) => e.type), finished };
}

function agentmintRunId(events: readonly BaseEvent[]): string {
  const started = events.find((e) => e.type === EventType.RUN_STARTED) as
    | (BaseEvent & { metadata: { agentmint: { runId: string } } })
    | undefined;
  return started?.metadata.agentmint.runId ?? '';
}

async function pause(agent: HttpAgent, text = 'Delete the plan') {
  agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  return runOnce(agent);
}

describe('AG-UI interrupts: a run that waits for a human', () => {
  it('ends with the interrupt outcome, announcing the waiting tool call; the run is PAUSED', async () => {
    const { url, os, deleted } = await start();
    const agent = agentAt(url);
    const { types, finished, events } = await pause(agent);
    expect(types).toEqual([
      EventType.RUN_STARTED,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_END,
      EventType.RUN_FINISHED,
    ]);
    const runId = agentmintRunId(events);
    expect(finished?.outcome).toEqual({
      type: 'interrupt',
      interrupts: [
        expect.objectContaining({
          id: `${runId}:call_delete`,
          reason: 'tool_approval',
          toolCallId: 'call_delete',
          message: 'Allow delete_doc?',
        }),
      ],
    });
    expect(agent.pendingInterrupts).toHaveLength(1);
    expect((await os.runtime.getRun(runId)).status).toBe('PAUSED');
    expect(deleted).toEqual([]);
  });

  it('resumes the same run on approval: the tool runs, its result and the answer stream', async () => {
    const { url, os, deleted } = await start();
    const agent = agentAt(url);
    const paused = await pause(agent);
    const [interrupt] = agent.pendingInterrupts;
    const resumed = await runOnce(agent, {
      resume: [
        { interruptId: interrupt?.id ?? '', status: 'resolved', payload: { approved: true } },
      ],
    });
    expect(resumed.types).toEqual([
      EventType.RUN_STARTED,
      EventType.TOOL_CALL_RESULT,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.RUN_FINISHED,
    ]);
    expect(resumed.finished?.outcome).toBeUndefined();
    const runId = agentmintRunId(paused.events);
    expect(agentmintRunId(resumed.events)).toBe(runId);
    expect(deleted).toEqual(['Plan']);
    expect(agent.pendingInterrupts).toEqual([]);
    expect(await os.runtime.getRun(runId)).toMatchObject({
      status: 'COMPLETED',
      content: 'model saw: deleted Plan',
    });
  });

  it('a cancelled interrupt rejects the call: the tool never runs, the model gets the refusal', async () => {
    const { url, deleted, model } = await start();
    const agent = agentAt(url);
    await pause(agent);
    const [interrupt] = agent.pendingInterrupts;
    await runOnce(agent, { resume: [{ interruptId: interrupt?.id ?? '', status: 'cancelled' }] });
    expect(deleted).toEqual([]);
    const last = model.lastRequest?.messages.at(-1);
    expect(last).toMatchObject({ role: 'tool', toolCallId: 'call_delete', isError: true });
  });

  it("hands an external tool's result from the resume payload to the model", async () => {
    const { url, model } = await start();
    const agent = agentAt(url);
    const { finished } = await pause(agent, 'Measure my screen');
    expect(finished?.outcome).toMatchObject({
      type: 'interrupt',
      interrupts: [{ reason: 'tool_execution', toolCallId: 'call_measure' }],
    });
    const resumed = await runOnce(agent, {
      resume: [
        {
          interruptId: agent.pendingInterrupts[0]?.id ?? '',
          status: 'resolved',
          payload: { result: '1920 px' },
        },
      ],
    });
    expect(resumed.types).toContain(EventType.TOOL_CALL_RESULT);
    expect(model.lastRequest?.messages.at(-1)).toMatchObject({ role: 'tool', content: '1920 px' });
  });

  it('refuses a resume the server never asked for (400) and one for a run already resumed (409)', async () => {
    const { url } = await start();
    const stranger = agentAt(url);
    stranger.addMessage({ id: 'u1', role: 'user', content: 'hi' });
    await expect(
      stranger.runAgent({ resume: [{ interruptId: 'not-ours', status: 'resolved' }] }),
    ).rejects.toMatchObject({ status: 400, payload: { code: 'UNKNOWN_TOOL_CALL' } });

    const agent = agentAt(url);
    await pause(agent);
    const entry = {
      interruptId: agent.pendingInterrupts[0]?.id ?? '',
      status: 'resolved' as const,
    };
    await runOnce(agent, { resume: [entry] });
    const again = agentAt(url, { threadId: agent.threadId });
    await expect(again.runAgent({ resume: [entry] })).rejects.toMatchObject({
      status: 409,
      payload: { code: 'RUN_NOT_PAUSED' },
    });
  });

  it("isolates users: another user's resume of a paused run is 404 and the tool never runs", async () => {
    const { url, deleted } = await start({ auth: true });
    const alice = agentAt(url, { token: await signToken('alice'), threadId: 't-alice' });
    await pause(alice);
    const interruptId = alice.pendingInterrupts[0]?.id ?? '';
    const mallory = agentAt(url, { token: await signToken('mallory'), threadId: 't-alice' });
    await expect(
      mallory.runAgent({
        resume: [{ interruptId, status: 'resolved', payload: { approved: true } }],
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(deleted).toEqual([]);
  });
});
