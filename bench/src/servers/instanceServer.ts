import { Agent, AgentFactory } from '@agentmint/core';
import { PostgresDb } from '@agentmint/db';
import { OpenAIChat } from '@agentmint/openai';
import { AgentOS } from '@agentmint/trpc';
import { serveChild } from './serveChild.ts';

/**
 * One of several AgentOS instances on one PostgreSQL schema (`BENCH_DATABASE_URL`, `BENCH_SCHEMA`,
 * migrated by the bench beforehand): a `relay` factory whose model is the real openai SDK against
 * the bench's fake OpenAI server (`OPENAI_BASE_URL`), so a cancel is seen as an aborted request.
 */
await serveChild(async () => {
  const db = new PostgresDb({
    dbUrl: process.env.BENCH_DATABASE_URL ?? '',
    schema: process.env.BENCH_SCHEMA ?? '',
    migrate: false,
    id: 'bench',
  });
  const relay = new AgentFactory({
    id: 'relay',
    db,
    factory: () =>
      new Agent({
        model: new OpenAIChat({ id: 'fake-model', apiKey: 'bench', maxRetries: 0 }),
        db,
      }),
  });
  const os = new AgentOS({ agents: [relay] });
  const handle = await os.serve({ port: 0, hostname: '127.0.0.1' });
  return {
    url: handle.url,
    openRuns: () => os.runtime.activeRunCount,
    close: async () => {
      await handle.close({ graceMs: 1_000 });
      await db.close();
    },
  };
});
