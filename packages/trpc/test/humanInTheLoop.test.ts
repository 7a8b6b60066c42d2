import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, type Store, silentLogger, tool } from '@agentmint/core';
import { PostgresDb, SqliteDb } from '@agentmint/db';
import { OpenAIChat } from '@agentmint/openai';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '@agentmint/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentOS, type ServerHandle } from '../src/index.ts';
import { deleteFileTool } from './deleteFileTool.ts';
import { dropPostgresSchema } from './dropPostgresSchema.ts';
import { readSSE, signToken, TEST_JWT_SECRET } from './fixtures.ts';

/** A database that outlives one server: each `open()` is a new process's store on it. */
interface Database {
  open(): Store;
  dispose(): Promise<void>;
}

async function sqliteFile(): Promise<Database> {
  const dir = await mkdtemp(join(tmpdir(), 'agentmint-hitl-'));
  return {
    open: () => new SqliteDb({ dbFile: join(dir, 'agentmint.db') }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function postgresSchema(): Promise<Database> {
  const dbUrl = process.env.DATABASE_URL ?? '';
  const schema = `agentmint_hitl_${process.pid}_${Date.now().toString(36)}`;
  return {
    open: () => new PostgresDb({ dbUrl, schema, pool: { max: 4 } }),
    dispose: () => dropPostgresSchema(dbUrl, schema),
  };
}

const DATABASES = [
  { name: 'SqliteDb', create: sqliteFile, skip: false },
  // CI sets DATABASE_URL; without it only SQLite runs here (packages/db covers PostgreSQL too).
  { name: 'PostgresDb', create: postgresSchema, skip: !process.env.DATABASE_URL },
];

const servers: ServerHandle[] = [];
let openai: FakeOpenAIServer;
let database: Database;
const deleted: string[] = [];

/** An AgentOS process on `database`: its agent deletes files only once a human approves. */
async function serve(): Promise<string> {
  const deleteFile = deleteFileTool(deleted);
  const weather = tool({
    name: 'local_weather',
    description: "The weather at the user's place, measured by the user's device",
    parameters: z.object({}),
    externalExecution: true,
  });
  const model = new OpenAIChat({ id: 'gpt-test', apiKey: 'sk-test', baseURL: openai.url });
  const db = database.open();
  const agent = new Agent({ id: 'files-agent', model, db, tools: [deleteFile, weather] });
  const os = new AgentOS({
    agents: [agent] as const,
    logger: silentLogger,
    auth: { secret: TEST_JWT_SECRET, algorithms: ['HS256'] },
  });
  const server = await os.serve({ port: 0 });
  servers.push(server);
  return server.url;
}

/** The process goes away (its runtime and stores close); the database and its rows stay. */
async function restart(): Promise<string> {
  await Promise.all(servers.splice(0).map((server) => server.close({ graceMs: 0 })));
  return serve();
}

const scope = 'agents:read agents:run sessions:read';
const as = async (user: string) => ({ authorization: `Bearer ${await signToken(user, scope)}` });

function trpcAs(url: string, headers: Record<string, string>) {
  return createTRPCClient<AgentOS<readonly [Agent<'files-agent'>]>['router']>({
    links: [httpBatchLink({ url: `${url}/trpc`, transformer: superjson, headers } as never)],
  });
}

async function pauseOverRest(url: string, user = 'alice') {
  openai.script({
    toolCalls: [{ id: 'call_1', name: 'delete_file', arguments: { path: '/etc/hosts' } }],
  });
  const response = await fetch(`${url}/agents/files-agent/runs`, {
    method: 'POST',
    headers: await as(user),
    body: new URLSearchParams({ message: 'clean up', stream: 'false' }),
  });
  expect(response.status).toBe(200);
  const run = (await response.json()) as { run_id: string; session_id: string; status: string };
  expect(run).toMatchObject({
    status: 'PAUSED',
    tools: [
      {
        tool_call_id: 'call_1',
        tool_name: 'delete_file',
        tool_args: { path: '/etc/hosts' },
        requires_confirmation: true,
        external_execution_required: false,
      },
    ],
  });
  return run;
}

function lastToolMessage() {
  return openai.requests.at(-1)?.messages.findLast((m) => m.role === 'tool');
}

describe.each(DATABASES)('human in the loop on $name', ({ create, skip }) => {
  beforeEach(async () => {
    if (skip) return;
    openai = await startFakeOpenAIServer();
    database = await create();
    deleted.length = 0;
  });

  afterEach(async () => {
    if (skip) return;
    await Promise.all(servers.splice(0).map((server) => server.close({ graceMs: 0 })));
    await openai[Symbol.asyncDispose]();
    await database.dispose();
  });

  it.skipIf(skip)(
    'REST multipart: pause → restart → approve → the same run completes',
    async () => {
      const paused = await pauseOverRest(await serve());
      const url = await restart();
      openai.script({ text: 'Deleted it.' });
      const body = new FormData();
      body.append('tools', JSON.stringify([{ tool_call_id: 'call_1', confirmed: true }]));
      body.append('session_id', paused.session_id);
      body.append('stream', 'false');
      const response = await fetch(`${url}/agents/files-agent/runs/${paused.run_id}/continue`, {
        method: 'POST',
        headers: await as('alice'),
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        run_id: paused.run_id,
        status: 'COMPLETED',
        content: 'Deleted it.',
      });
      expect(deleted).toEqual(['/etc/hosts']);
      expect(lastToolMessage()).toMatchObject({
        toolCallId: 'call_1',
        content: 'deleted /etc/hosts',
      });
    },
  );

  it.skipIf(skip)(
    'REST JSON, streamed: reject → the model gets the refusal; seq goes on',
    async () => {
      const url = await serve();
      const paused = await pauseOverRest(url);
      openai.script({ text: 'Kept it.' });
      const response = await fetch(`${url}/agents/files-agent/runs/${paused.run_id}/continue`, {
        method: 'POST',
        headers: { ...(await as('alice')), 'content-type': 'application/json' },
        body: JSON.stringify({
          tools: [{ tool_call_id: 'call_1', confirmed: false, confirmation_note: 'not today' }],
        }),
      });
      const events = await readSSE(response);
      expect(events.map((e) => e.event)).toEqual([
        'RunContinued',
        'ToolCallStarted',
        'ToolCallError',
        'ModelRequestStarted',
        'RunContent',
        'ModelRequestCompleted',
        'RunContentCompleted',
        'RunCompleted',
      ]);
      const seqs = events.map((e) => (e.data as { seq: number }).seq);
      expect(seqs[0]).toBeGreaterThan(1);
      expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
      expect(deleted).toEqual([]);
      const refusal = lastToolMessage();
      expect(refusal?.content).toContain('rejected');
      expect(refusal?.content).toContain('not today');
    },
  );

  it.skipIf(skip)(
    'tRPC: an external result reaches the model; PAUSED again is an outcome',
    async () => {
      const url = await serve();
      const alice = trpcAs(url, await as('alice'));
      openai.script({ toolCalls: [{ id: 'call_w', name: 'local_weather', arguments: {} }] });
      const paused = await alice.agents['files-agent'].run.mutate({ message: 'weather?' });
      expect(paused.status).toBe('PAUSED');
      expect(paused.pendingTools).toEqual([
        {
          toolCallId: 'call_w',
          toolName: 'local_weather',
          toolArgs: {},
          requiresConfirmation: false,
          externalExecutionRequired: true,
        },
      ]);
      await restart().then((next) => {
        expect(next).not.toBe(url);
      });
      const after = trpcAs(servers[0]!.url, await as('alice'));
      openai.script({ text: 'It is 21 °C.' });
      const done = await after.runs.continue.mutate({
        runId: paused.runId,
        tools: [{ toolCallId: 'call_w', result: '21 °C' }],
      });
      expect(done).toMatchObject({
        runId: paused.runId,
        status: 'COMPLETED',
        content: 'It is 21 °C.',
      });
      expect(lastToolMessage()).toMatchObject({ toolCallId: 'call_w', content: '21 °C' });
    },
  );

  it.skipIf(skip)("another user's continue is 404; bad tools 400; not paused 409", async () => {
    const url = await serve();
    const paused = await pauseOverRest(url);
    const cont = async (user: string, fields: Record<string, string>) =>
      fetch(`${url}/agents/files-agent/runs/${paused.run_id}/continue`, {
        method: 'POST',
        headers: await as(user),
        body: new URLSearchParams({ stream: 'false', ...fields }),
      });
    const approve = JSON.stringify([{ tool_call_id: 'call_1', confirmed: true }]);
    const bob = await cont('bob', { tools: approve });
    expect(bob.status).toBe(404);
    expect(await bob.json()).toMatchObject({ code: 'RUN_NOT_FOUND' });
    const bobTrpc = trpcAs(url, await as('bob'));
    await expect(
      bobTrpc.runs.continue.mutate({
        runId: paused.run_id,
        tools: [{ toolCallId: 'call_1', confirmed: true }],
      }),
    ).rejects.toSatisfy(
      (error) => error instanceof TRPCClientError && error.data?.agentmintCode === 'RUN_NOT_FOUND',
    );
    for (const [tools, code] of [
      ['[not json', 'INVALID_TOOLS'],
      ['{"tool_call_id":"call_1"}', 'INVALID_TOOLS'],
      ['[{"tool_call_id":"call_1"}]', 'INVALID_TOOLS'],
      ['[{"tool_call_id":"call_x","confirmed":true}]', 'UNKNOWN_TOOL_CALL'],
    ] as const) {
      const response = await cont('alice', { tools });
      expect(response.status, tools).toBe(400);
      expect(await response.json(), tools).toMatchObject({ code });
    }
    openai.script({ text: 'Deleted.' });
    expect((await cont('alice', { tools: approve })).status).toBe(200);
    const again = await cont('alice', { tools: approve });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'RUN_NOT_PAUSED' });
    expect(deleted).toEqual(['/etc/hosts']);
  });

  it.skipIf(skip)('two concurrent continues: one wins, the other gets 409', async () => {
    const url = await serve();
    const paused = await pauseOverRest(url);
    openai.script({ text: 'Deleted.' });
    const approve = JSON.stringify([{ tool_call_id: 'call_1', confirmed: true }]);
    const send = async () =>
      fetch(`${url}/agents/files-agent/runs/${paused.run_id}/continue`, {
        method: 'POST',
        headers: await as('alice'),
        body: new URLSearchParams({ tools: approve, stream: 'false' }),
      });
    const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(deleted).toEqual(['/etc/hosts']);
  });

  it.skipIf(skip)(
    'a watch ends at RunPaused; one after its seq follows the continued run',
    async () => {
      const url = await serve();
      const paused = await pauseOverRest(url);
      const headers = await as('alice');
      const events = `${url}/agents/files-agent/runs/${paused.run_id}/events`;
      const before = await readSSE(await fetch(events, { headers }));
      const pausedEvent = before.at(-1);
      expect(pausedEvent?.event).toBe('RunPaused');
      const pausedSeq = (pausedEvent?.data as { seq: number } | undefined)?.seq ?? 0;
      openai.script({ text: 'Deleted.' });
      const started = await fetch(`${url}/agents/files-agent/runs/${paused.run_id}/continue`, {
        method: 'POST',
        headers,
        body: new URLSearchParams({
          tools: JSON.stringify([{ tool_call_id: 'call_1', confirmed: true }]),
          stream: 'false',
          background: 'true',
        }),
      });
      expect(started.status).toBe(202);
      expect(await started.json()).toMatchObject({ run_id: paused.run_id, status: 'RUNNING' });
      const after = await readSSE(
        await fetch(events, { headers: { ...headers, 'last-event-id': String(pausedSeq) } }),
      );
      expect(after[0]).toMatchObject({ event: 'RunContinued', data: { seq: pausedSeq + 1 } });
      expect(after.at(-1)?.event).toBe('RunCompleted');
    },
  );

  it.skipIf(skip)('pause then cancel → CANCELLED, over tRPC', async () => {
    const url = await serve();
    const paused = await pauseOverRest(url);
    const alice = trpcAs(url, await as('alice'));
    expect((await alice.runs.cancel.mutate({ runId: paused.run_id })).status).toBe('CANCELLED');
    expect((await alice.runs.get.query({ runId: paused.run_id })).status).toBe('CANCELLED');
  });
});
