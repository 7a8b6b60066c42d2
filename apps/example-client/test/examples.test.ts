import { createAgentClient } from '@agentmint/client';
import { InMemoryDb } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import type { ServerHandle } from '@agentmint/trpc';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppRouter, createServerOS } from '../../server/src/createServerOS.ts';
import { type Output, runExamples, streamTenant, workspaceWithoutRole } from '../src/examples.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

/** The example server in-process: the real agents on an in-memory db and a scripted model. */
async function startServer() {
  const os = createServerOS({ db: new InMemoryDb(), model: () => new ScriptedModel() });
  const server = await os.serve({ port: 0 });
  servers.push(server);
  return createAgentClient<AppRouter>({ url: `${server.url}/trpc` });
}

function buffer(): Output & { text: () => string } {
  let text = '';
  return {
    line: (line) => {
      text += `${line}\n`;
    },
    write: (chunk) => {
      text += chunk;
    },
    text: () => text,
  };
}

describe('example client against apps/server', () => {
  it('runs research-agent, streams tenant-agent and handles the workspace 403', async () => {
    const client = await startServer();
    const out = buffer();
    await runExamples(client, out);
    expect(out.text()).toContain('research-agent (COMPLETED, scripted):');
    expect(out.text()).toContain('echo: What are the latest trends in AI?');
    expect(out.text()).toMatch(/▶ run \S+ on scripted\necho: Hello, who are you\?\n✔ completed/);
    expect(out.text()).toContain('workspace-agent refused us (FACTORY_FORBIDDEN 403)');
    expect(out.text()).toContain(
      'triage-agent: bug, priority 1: echo: The app crashes when I save a document.',
    );
  });

  it('streams every event of the tenant run in order', async () => {
    const client = await startServer();
    const events = await streamTenant(client, buffer());
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.event).toBe('RunCompleted');
  });

  it('reports the 403 as handled, not thrown', async () => {
    const client = await startServer();
    await expect(workspaceWithoutRole(client, buffer())).resolves.toBe(false);
  });
});
