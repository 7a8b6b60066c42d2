import { Agent, AgentFactory, tool } from '@agentmint/core';
import { PostgresDb } from '@agentmint/db';
import { ScriptedModel } from '@agentmint/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { probeAgents } from '../support/agents.ts';
import { bearer, eventually, form, jsonBody, trpcCall } from '../support/http.ts';
import {
  postgresSkipReason,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/postgres.ts';
import { scaled } from '../support/scale.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';
import { hsAuth, userToken } from '../support/tokens.ts';

// Text PostgreSQL cannot store (U+0000 anywhere; unpaired surrogates in jsonb) is bad input: a
// 400 at the door, or a 404 for an id no run can have — never a 503 from the database, and never a
// run whose events cannot be stored.

const unavailable = postgresSkipReason();

const NUL = '\u0000';
const HIGH = '\ud800';
const LOW = '\udc00';

describe.skipIf(unavailable !== undefined)('text PostgreSQL cannot store', () => {
  let pg: ThrowawayPostgres;
  let url = '';
  let probe: ReturnType<typeof probeAgents>;
  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    probe = probeAgents({ db: new PostgresDb({ dbUrl: pg.url }) });
    ({ url } = await startOS({ agents: probe.agents, logger: recordingLogger() }));
  });
  afterAll(async () => {
    await closeServers();
    await pg?.destroy();
  });

  const badText = fc
    .tuple(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(NUL, HIGH, LOW, `${LOW}${HIGH}`),
      fc.string({ maxLength: 8 }),
    )
    .map(([a, bad, b]) => `${a}${bad}${b}`);

  it('answers 400 (never 5xx, no factory) to NUL or unpaired surrogates in message, ids and factory_input', async () => {
    await fc.assert(
      fc.asyncProperty(
        badText,
        fc.constantFrom(
          'message',
          'session_id',
          'user_id',
          'factory_input value',
          'factory_input key',
        ),
        fc.constantFrom('json', 'multipart', 'trpc'),
        async (text, field, transport) => {
          const fields: Record<string, unknown> = { message: 'hi' };
          if (field === 'message') fields.message = text;
          if (field === 'session_id') fields.session_id = text;
          if (field === 'user_id') fields.user_id = text;
          if (field === 'factory_input value') fields.factory_input = { note: text };
          if (field === 'factory_input key') fields.factory_input = { [text]: 1 };
          const before = probe.calls();
          let status: number;
          let code: string | undefined;
          if (transport === 'trpc') {
            const result = await trpcCall({
              url,
              path: 'agents.raw-agent.run',
              type: 'mutation',
              input: {
                message: fields.message,
                ...(fields.session_id !== undefined && { sessionId: fields.session_id }),
                ...(fields.user_id !== undefined && { userId: fields.user_id }),
                ...(fields.factory_input !== undefined && { factoryInput: fields.factory_input }),
              },
            });
            status = result.status;
            code = result.error?.data.agentmintCode;
          } else {
            const body =
              transport === 'json'
                ? JSON.stringify({ ...fields, stream: false })
                : form(
                    Object.fromEntries(
                      Object.entries({ ...fields, stream: 'false' }).map(([k, v]) => [
                        k,
                        typeof v === 'string' ? v : JSON.stringify(v),
                      ]),
                    ),
                  );
            const response = await fetch(`${url}/agents/raw-agent/runs`, {
              method: 'POST',
              ...(transport === 'json' && { headers: { 'content-type': 'application/json' } }),
              body,
            });
            status = response.status;
            code = (await jsonBody<{ code?: string }>(response)).code;
          }
          const what = `${transport} ${field} ${JSON.stringify(text)}`;
          // A form field's text is UTF-8 on the wire: an unpaired surrogate arrives as U+FFFD,
          // which is valid text, so that run may go through. NUL never does.
          const lossy = transport === 'multipart' && !text.includes(NUL);
          if (lossy && status === 200) return;
          expect(status, what).toBe(400);
          expect(['BAD_REQUEST', 'FACTORY_VALIDATION'], what).toContain(code);
          expect(probe.calls(), what).toBe(before);
        },
      ),
      { numRuns: scaled(120, 20) },
    );
  });

  it('answers 404, not 503, to lookups by such ids', async () => {
    // Longer than any id the first test makes: the REST path's id arrives with U+FFFD for the
    // surrogate, and a multipart run of the first test may have stored a session with that id.
    for (const id of [`x${NUL}y-never-stored`, `r${HIGH}-never-stored`, `${LOW}-never-stored`]) {
      const encoded = encodeURIComponent(id.replace(/[\ud800-\udfff]/g, '\ufffd'));
      const direct = [
        await trpcCall({ url, path: 'runs.get', type: 'query', input: { runId: id } }),
        await trpcCall({ url, path: 'sessions.get', type: 'query', input: { sessionId: id } }),
        await trpcCall({
          url,
          path: 'sessions.delete',
          type: 'mutation',
          input: { sessionId: id },
        }),
        await trpcCall({ url, path: 'runs.cancel', type: 'mutation', input: { runId: id } }),
      ];
      for (const result of direct)
        expect(result.status, `${JSON.stringify(id)} ${result.text}`).toBe(404);
      for (const path of [`/sessions/${encoded}`, `/agents/raw-agent/runs/${encoded}`]) {
        const response = await fetch(`${url}${path}`);
        await response.body?.cancel();
        expect([400, 404], path).toContain(response.status);
      }
    }
  });

  it('stores model and tool output that holds such text (the run ends, with all its events)', async () => {
    const db = new PostgresDb({ dbUrl: pg.url, schema: 'binary_output' });
    const readBinary = tool({
      name: 'read_binary',
      description: 'Reads a file that is not text.',
      parameters: z.object({}),
      execute: () => `header${NUL}\u0000${HIGH}payload${LOW}`,
    });
    const model = new ScriptedModel({
      turns: [
        { toolCalls: [{ name: 'read_binary' }] },
        { text: `it says ${NUL} and ${HIGH}`, deltas: 2 },
      ],
    });
    const { url: binaryUrl } = await startOS({
      agents: [
        new AgentFactory({
          id: 'binary-agent',
          db,
          factory: () => new Agent({ model, tools: [readBinary] }),
        }),
      ],
      logger: recordingLogger(),
    });
    const response = await fetch(`${binaryUrl}/agents/binary-agent/runs`, {
      method: 'POST',
      body: form({ message: 'read it', stream: 'false' }),
    });
    expect(response.status).toBe(200);
    const run = await jsonBody<{ run_id: string; status: string }>(response);
    expect(run.status).toBe('COMPLETED');
    const row = await eventually(
      async () => {
        const found = await db.getRun(run.run_id);
        return found && found.status !== 'RUNNING' ? found : undefined;
      },
      { timeoutMs: 5_000, what: 'the run row to be final' },
    );
    expect(row.status).toBe('COMPLETED');
    expect(row.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const events = await db.listEvents(run.run_id, 0);
    expect(events.at(-1)?.event).toBe('RunCompleted');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('owns runs by a JWT sub up to 255 characters; longer ones are refused at the door (401), not by the database (503)', async () => {
    const secured = probeAgents({ db: new PostgresDb({ dbUrl: pg.url, schema: 'long_subjects' }) });
    const { url: securedUrl } = await startOS({
      agents: secured.agents,
      auth: hsAuth,
      logger: recordingLogger(),
    });
    for (const [sub, status] of [
      ['a'.repeat(255), 200],
      ['b'.repeat(256), 401],
      ['c'.repeat(2_000), 401],
    ] as const) {
      const token = await userToken(sub);
      const run = await fetch(`${securedUrl}/agents/raw-agent/runs`, {
        method: 'POST',
        headers: bearer(token),
        body: form({ message: 'hi', stream: 'false' }),
      });
      expect(run.status, `sub of ${sub.length}`).toBe(status);
      const sessions = await fetch(`${securedUrl}/sessions`, { headers: bearer(token) });
      expect(sessions.status, `sessions, sub of ${sub.length}`).toBe(status);
    }
  });

  it('keeps serving valid text, including every other Unicode character', async () => {
    const text = 'héllo 👋🏽 \u2028 \ufeff \uffff 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u0001\u001f';
    const response = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: text, stream: false, factory_input: { [text]: text } }),
    });
    expect(response.status).toBe(200);
    expect(await jsonBody(response)).toMatchObject({
      status: 'COMPLETED',
      content: `echo: ${text}`,
    });
  });
});
