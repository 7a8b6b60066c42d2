import { InMemoryDb, MAX_ID_LENGTH } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { probeAgents } from '../support/agents.ts';
import {
  eventually,
  form,
  jsonBody,
  readSSE,
  restFailure,
  type TrpcErrorShape,
  trpcCall,
} from '../support/http.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';

// The server's bounds: body size, factory time, model steps, concurrent runs per user. Each one
// answers with its stable code, and none leaves a slot, a row or the server in a bad state.

afterEach(() => closeServers());

const GENERIC_FACTORY_MESSAGE = 'The agent factory failed; see the server logs for details';

describe('limits', () => {
  it('body size: 413 PAYLOAD_TOO_LARGE over maxBodyBytes (REST and tRPC), accepted under it', async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({
      agents: probe.agents,
      maxBodyBytes: 4_096,
      logger: recordingLogger(),
    });
    const under = 'u'.repeat(3_000);
    const over = 'o'.repeat(5_000);
    const ok = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      body: form({ message: under, stream: 'false' }),
    });
    expect(ok.status).toBe(200);
    for (const body of [form({ message: over }), new URLSearchParams({ message: over })]) {
      const response = await fetch(`${url}/agents/raw-agent/runs`, { method: 'POST', body });
      expect(await restFailure(response)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    }
    const trpc = await trpcCall({
      url,
      path: 'agents.raw-agent.run',
      type: 'mutation',
      input: { message: over },
    });
    expect(trpc.status).toBe(413);
    expect(probe.calls()).toBe(1);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('factory timeout: 500 FACTORY_ERROR with the generic message, nothing recorded', async () => {
    const db = new InMemoryDb();
    const probe = probeAgents({ db, slowFactoryMs: 10_000 });
    const logger = recordingLogger();
    const { url, os } = await startOS({ agents: probe.agents, logger });
    for (const stream of ['false', 'true']) {
      const started = Date.now();
      const response = await fetch(`${url}/agents/slow-agent/runs`, {
        method: 'POST',
        body: form({ message: 'hi', stream }),
      });
      // The factory would take 10 s; the 50 ms timeout answers long before (2x slack on a busy box).
      expect(Date.now() - started).toBeLessThan(5_000);
      const failure = await restFailure(response);
      expect(failure).toEqual({
        status: 500,
        code: 'FACTORY_ERROR',
        detail: GENERIC_FACTORY_MESSAGE,
      });
    }
    const trpc = await trpcCall({
      url,
      path: 'agents.slow-agent.run',
      type: 'mutation',
      input: { message: 'hi' },
    });
    expect(trpc.status).toBe(500);
    expect(trpc.error?.data.agentmintCode).toBe('FACTORY_ERROR');
    expect(trpc.error?.message).toBe(GENERIC_FACTORY_MESSAGE);
    expect(trpc.text).not.toMatch(/timed out|\bms\b|stack/i);
    // The detail is in the logs, for operators only.
    expect(logger.errors.join('\n')).toMatch(/slow-agent/);
    expect(await db.listRuns({})).toEqual([]);
    expect(os.runtime.activeRunCount).toBe(0);
  });

  it('max tool steps: RunError MAX_STEPS, row ERROR (REST JSON, REST SSE, tRPC)', async () => {
    const db = new InMemoryDb();
    const probe = probeAgents({ db });
    const { url } = await startOS({ agents: probe.agents, logger: recordingLogger() });
    const json = await fetch(`${url}/agents/looping-agent/runs`, {
      method: 'POST',
      body: form({ message: 'loop', stream: 'false' }),
    });
    expect(json.status).toBe(200);
    const record = await jsonBody<{ status: string; error: { code: string }; run_id: string }>(
      json,
    );
    expect(record).toMatchObject({ status: 'ERROR', error: { code: 'MAX_STEPS' } });
    const sse = await readSSE(
      await fetch(`${url}/agents/looping-agent/runs`, {
        method: 'POST',
        body: form({ message: 'loop' }),
      }),
    );
    expect(sse.at(-1)).toMatchObject({ event: 'RunError', data: { error_type: 'MAX_STEPS' } });
    expect(sse.filter((e) => e.event === 'ToolCallCompleted')).toHaveLength(3);
    const trpc = await trpcCall({
      url,
      path: 'agents.looping-agent.run',
      type: 'mutation',
      input: { message: 'loop' },
    });
    expect(trpc.result).toMatchObject({ status: 'ERROR', error: { code: 'MAX_STEPS' } });
    const rows = await db.listRuns({ agentId: 'looping-agent' });
    expect(rows.map((r) => [r.status, r.error?.code])).toEqual([
      ['ERROR', 'MAX_STEPS'],
      ['ERROR', 'MAX_STEPS'],
      ['ERROR', 'MAX_STEPS'],
    ]);
  });

  it('concurrent runs per user: 429 TOO_MANY_RUNS with Retry-After; slots come back', async () => {
    const db = new InMemoryDb();
    const model = new ScriptedModel({
      fallback: { text: 'slow answer here', deltas: 4, delayMs: 100 },
    });
    const probe = probeAgents({ db, model });
    const { url, os } = await startOS({
      agents: probe.agents,
      maxConcurrentRunsPerUser: 2,
      logger: recordingLogger(),
    });
    const start = (user: string) =>
      fetch(`${url}/agents/raw-agent/runs`, {
        method: 'POST',
        body: form({ message: 'hi', stream: 'false', user_id: user }),
      });
    // Refused attempts must not eat slots: ten bad inputs first.
    for (let i = 0; i < 10; i++) {
      const bad = await fetch(`${url}/agents/strict-agent/runs`, {
        method: 'POST',
        body: form({ message: 'hi', user_id: 'u1', factory_input: '[1]' }),
      });
      expect(bad.status).toBe(400);
    }
    const running = [start('u1'), start('u1')];
    await eventually(() => (os.runtime.activeRunCount === 2 ? true : undefined));
    const refused = await start('u1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await restFailure(refused)).toMatchObject({ code: 'TOO_MANY_RUNS' });
    const trpc = await trpcCall({
      url,
      path: 'agents.raw-agent.run',
      type: 'mutation',
      input: { message: 'hi', userId: 'u1' },
    });
    expect(trpc.status).toBe(429);
    expect(trpc.error?.data).toMatchObject({
      agentmintCode: 'TOO_MANY_RUNS',
      retryAfterSeconds: 1,
    });
    // Another user is not affected.
    expect((await start('u2')).status).toBe(200);
    for (const response of await Promise.all(running)) expect(response.status).toBe(200);
    expect((await start('u1')).status).toBe(200);
    expect((await db.listRuns({})).filter((r) => r.userId === 'u1')).toHaveLength(3);
  });

  it('tRPC batch size: 413 BATCH_TOO_LARGE over maxBatchSize (default 10), before any factory runs', async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({ agents: probe.agents, logger: recordingLogger() });
    const batch = (size: number) => {
      const paths = Array.from({ length: size }, () => 'agents.raw-agent.run').join(',');
      const body = Object.fromEntries(
        Array.from({ length: size }, (_, i) => [i, { json: { message: `m${i}` } }]),
      );
      return fetch(`${url}/trpc/${paths}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    };
    // Regression (issue #11): one batch request of 300 calls created 300 runs.
    for (const size of [11, 300]) {
      const refused = await batch(size);
      expect(refused.status, `batch of ${size}`).toBe(413);
      const error = (await jsonBody<{ error: { json: TrpcErrorShape } }>(refused)).error.json;
      expect(error.data.agentmintCode).toBe('BATCH_TOO_LARGE');
      expect(error.message).toContain(`at most 10 calls; this one has ${size}`);
    }
    expect(probe.calls()).toBe(0);
    const atLimit = await batch(10);
    expect(atLimit.status).toBe(200);
    expect(await jsonBody<unknown[]>(atLimit)).toHaveLength(10);
    expect(probe.calls()).toBe(10);
    // Queries batch too (GET); the bound is configurable.
    const { url: small } = await startOS({
      agents: probe.agents,
      logger: recordingLogger(),
      maxBatchSize: 2,
    });
    const query = await fetch(`${small}/trpc/agents.list,agents.list,agents.list?batch=1`);
    expect(query.status).toBe(413);
    expect((await fetch(`${small}/trpc/agents.list,agents.list?batch=1`)).status).toBe(200);
  });

  it('an unknown tRPC procedure is 404 PROCEDURE_NOT_FOUND; an unknown agent stays AGENT_NOT_FOUND', async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({ agents: probe.agents, logger: recordingLogger() });
    for (const path of ['nope', 'agents.nope', 'runs.explode', 'agents.raw-agent.explode']) {
      const result = await trpcCall({ url, path, type: 'query' });
      expect(result.status, path).toBe(404);
      expect(result.error?.data.agentmintCode, path).toBe('PROCEDURE_NOT_FOUND');
    }
    const unknownAgent = await trpcCall({
      url,
      path: 'agents.no-such-agent.run',
      type: 'mutation',
      input: { message: 'hi' },
    });
    expect(unknownAgent.status).toBe(404);
    expect(unknownAgent.error?.data.agentmintCode).toBe('AGENT_NOT_FOUND');
    // A 6,000-character path is not echoed back whole.
    const long = await trpcCall({ url, path: `x${'y'.repeat(6_000)}`, type: 'query' });
    expect(long.status).toBe(404);
    expect(long.text.length).toBeLessThan(1_000);
  });

  it('ids echoed in error messages are cut to 64 characters', async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({ agents: probe.agents, logger: recordingLogger() });
    const id = 'i'.repeat(250);
    for (const path of [`/sessions/${id}`, `/agents/raw-agent/runs/${id}`, `/agents/${id}`]) {
      const failure = await restFailure(await fetch(`${url}${path}`));
      expect(failure.status, path).toBe(404);
      expect(failure.detail, path).toContain(`${'i'.repeat(64)}…`);
      expect(failure.detail, path).not.toContain('i'.repeat(65));
    }
    const viaTrpc = await trpcCall({ url, path: 'runs.get', type: 'query', input: { runId: id } });
    expect(viaTrpc.error?.data.agentmintCode).toBe('RUN_NOT_FOUND');
    expect(viaTrpc.error?.message).not.toContain('i'.repeat(65));
  });

  it('ids up to 255 characters (core MAX_ID_LENGTH) are accepted alike by REST and tRPC; 256 are not', async () => {
    const probe = probeAgents({ db: new InMemoryDb() });
    const { url } = await startOS({ agents: probe.agents, logger: recordingLogger() });
    for (const length of [MAX_ID_LENGTH, MAX_ID_LENGTH + 1]) {
      const sessionId = 's'.repeat(length);
      const rest = await fetch(`${url}/agents/raw-agent/runs`, {
        method: 'POST',
        body: form({ message: 'hi', stream: 'false', session_id: sessionId }),
      });
      const trpc = await trpcCall({
        url,
        path: 'agents.raw-agent.run',
        type: 'mutation',
        input: { message: 'hi', sessionId: `t${sessionId.slice(1)}` },
      });
      const expected = length <= MAX_ID_LENGTH ? 200 : 400;
      expect(rest.status, `REST, ${length}`).toBe(expected);
      expect(trpc.status, `tRPC, ${length}`).toBe(expected);
    }
  });
});
