/**
 * One AgentOS instance in a process of its own, for the multi-instance tests: a factory agent on
 * PostgresDb (DATABASE_URL, AGENTMINT_SCHEMA) whose model is the real openai SDK against the test's
 * fake OpenAI server (OPENAI_BASE_URL). Prints `LISTENING <url>` once it serves; SIGTERM closes it.
 */
import { Agent, AgentFactory } from '@agentmint/core';
import { PostgresDb } from '@agentmint/db';
import { OpenAIChat } from '@agentmint/openai';
import { AgentOS } from '@agentmint/trpc';

const db = new PostgresDb({
  dbUrl: process.env.DATABASE_URL ?? '',
  schema: process.env.AGENTMINT_SCHEMA ?? '',
  pool: { max: 6 },
});
const os = new AgentOS({
  agents: [
    new AgentFactory({
      id: 'relay',
      db,
      factory: () =>
        new Agent({
          model: new OpenAIChat({ id: 'fake-model', apiKey: 'test', maxRetries: 0 }),
          db,
        }),
    }),
  ],
  logger: { info() {}, warn() {}, error: (message, details) => console.error(message, details) },
  leases: {
    ttlMs: Number(process.env.LEASE_TTL_MS ?? 15_000),
    heartbeatMs: Number(process.env.LEASE_HEARTBEAT_MS ?? 5_000),
    sweepMs: Number(process.env.LEASE_SWEEP_MS ?? 5_000),
  },
});
const server = await os.serve({ port: 0, hostname: '127.0.0.1' });
console.log(`LISTENING ${server.url}`);
process.on('SIGTERM', () => {
  void server.close({ graceMs: 500 }).finally(() => process.exit(0));
});
