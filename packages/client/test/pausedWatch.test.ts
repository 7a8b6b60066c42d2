import { Agent, InMemoryDb, tool } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { AgentOS } from '@agentmint/trpc';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgentClient } from '../src/index.ts';
import { collect } from './collect.ts';
import { Cleanup } from './fixtures.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** An agent whose tool waits for a human: its first model turn asks for it, the second answers. */
async function pausingServer() {
  const db = new InMemoryDb();
  const model = new ScriptedModel().script(
    { toolCalls: [{ name: 'delete_file', arguments: { path: 'a.txt' }, id: 'call_1' }] },
    { text: 'deleted it', deltas: 2 },
  );
  const deleteFile = tool({
    name: 'delete_file',
    description: 'Deletes a file',
    parameters: z.object({ path: z.string() }),
    requiresConfirmation: true,
    execute: ({ path }) => `deleted ${path}`,
  });
  const os = new AgentOS({
    agents: [new Agent({ id: 'files-agent', model, db, tools: [deleteFile] })] as const,
  });
  const server = await os.serve({ port: 0 });
  cleanup.add(() => server.close({ graceMs: 100 }));
  const client = createAgentClient<typeof os.router>({ url: `${server.url}/trpc` });
  return { client, db };
}

describe('a paused run (human in the loop) over stream() and runs.watch()', () => {
  it('ends the stream at RunPaused; a watch from there follows the continued run to its end', async () => {
    const { client, db } = await pausingServer();
    const first = await collect(client.agents['files-agent'].stream({ message: 'delete a.txt' }));
    const paused = first.at(-1);
    expect(paused?.event).toBe('RunPaused');
    const runId = paused?.runId ?? '';
    expect((await client.runs.get({ runId })).status).toBe('PAUSED');

    await client.runs.continueStart({ runId, tools: [{ toolCallId: 'call_1', confirmed: true }] });
    const rest = await collect(
      client.runs.watch({ runId, lastEventId: `${runId}:${paused?.seq}` }),
    );
    expect(rest[0]?.event).toBe('RunContinued');
    expect(rest.at(-1)?.event).toBe('RunCompleted');
    const all = [...first, ...rest];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    // The same run from start to end: the continue resumed it, nothing started a second one.
    expect((await db.listRuns({})).map((r) => [r.runId, r.status])).toEqual([[runId, 'COMPLETED']]);
  });
});
