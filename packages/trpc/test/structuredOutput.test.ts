import { Agent, AgentFactory, InMemoryDb, silentLogger } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentOS, type ServerHandle } from '../src/index.ts';
import { form, readSSE } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

/** A factory agent with an output schema whose model answers with `answers`, in order. */
async function start(...answers: string[]) {
  const db = new InMemoryDb();
  const model = new ScriptedModel({ turns: answers.map((text) => ({ text })) });
  const triage = new AgentFactory({
    id: 'triage-agent',
    db,
    factory: () =>
      new Agent({
        model,
        outputSchema: z.object({ label: z.enum(['bug', 'question']), score: z.number() }),
      }),
  });
  const server = await new AgentOS({ agents: [triage], logger: silentLogger }).serve({ port: 0 });
  servers.push(server);
  return { url: server.url, model };
}

describe('structured output over REST', () => {
  it('answers the object as `content` (Agno) and keeps it on the stored run', async () => {
    const { url, model } = await start('{"label":"bug","score":0.75}');
    const response = await fetch(`${url}/agents/triage-agent/runs`, {
      method: 'POST',
      body: form({ message: 'It crashes', stream: 'false' }),
    });
    expect(response.status).toBe(200);
    const run = (await response.json()) as { run_id: string };
    expect(run).toMatchObject({
      status: 'COMPLETED',
      content: { label: 'bug', score: 0.75 },
      content_type: 'json',
    });
    expect(model.lastRequest?.responseFormat?.schema).toMatchObject({
      type: 'object',
      required: ['label', 'score'],
    });
    const stored = await fetch(`${url}/agents/triage-agent/runs/${run.run_id}`);
    expect(await stored.json()).toMatchObject({ content: { label: 'bug', score: 0.75 } });
  });

  it('streams RunCompleted with the object, and RunError OUTPUT_VALIDATION for a bad answer', async () => {
    const { url } = await start('{"label":"question","score":1}', '{"label":"rant"}');
    const ok = await fetch(`${url}/agents/triage-agent/runs`, {
      method: 'POST',
      body: form({ message: 'How?' }),
    });
    const okEvents = await readSSE(ok);
    expect(okEvents.at(-1)).toMatchObject({
      event: 'RunCompleted',
      data: { content: { label: 'question', score: 1 }, content_type: 'json' },
    });

    const bad = await fetch(`${url}/agents/triage-agent/runs`, {
      method: 'POST',
      body: form({ message: 'Rant', stream: 'false' }),
    });
    const run = (await bad.json()) as Record<string, unknown>;
    expect(run).toMatchObject({ status: 'ERROR', error: { code: 'OUTPUT_VALIDATION' } });
    expect(String((run.error as { message: string }).message)).toContain('label: Invalid option');
  });
});
