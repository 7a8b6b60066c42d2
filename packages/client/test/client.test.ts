import { afterEach, describe, expect, it } from 'vitest';
import { createAgentClient } from '../src/index.ts';
import { collect } from './collect.ts';
import { Cleanup, serve, type TestRouter, testOS } from './fixtures.ts';
import { type HostRouter, serveHost } from './hostRouter.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('createAgentClient against a real AgentOS', () => {
  it('runs an agent with typed factoryInput and resolves with the run output', async () => {
    const { url, inputs } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const run = await client.agents['research-agent'].run({
      message: 'Trends?',
      factoryInput: { persona: 'skeptic', depth: 5 },
    });
    expect(run).toMatchObject({
      agentId: 'research-agent',
      status: 'COMPLETED',
      content: 'echo: Trends?',
    });
    expect(run.createdAt).toBeInstanceOf(Date);
    expect(inputs).toEqual([{ persona: 'skeptic', depth: 5 }]);
  });

  it("returns the agent's structured output, parsed and validated, in run.output", async () => {
    const { url } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const run = await client.agents['triage-agent'].run({ message: 'it crashes on save' });
    expect(run.output).toEqual({ label: 'bug', tags: [] });
    expect(run.content).toBe('{"label":"bug"}');
    const again = await client.runs.get({ runId: run.runId });
    expect(again.output).toEqual({ label: 'bug', tags: [] });
  });

  it('lets the schema fill defaults, and sends required fields', async () => {
    const { url, inputs } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    await client.agents['research-agent'].run({ message: 'defaults' });
    await client.agents['ticket-agent'].run({ message: 't', factoryInput: { ticketId: 'T-1' } });
    await client.agents['plain-agent'].run({ message: 'plain' });
    expect(inputs).toEqual([
      { persona: 'analyst', depth: 3 },
      { ticketId: 'T-1', priority: 'low' },
    ]);
  });

  it('streams the typed events of a run, unwrapped, ending after the terminal event', async () => {
    const setup = testOS();
    setup.model.script({ text: 'a b c', deltas: 3 });
    const { url } = await serve(setup, cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const events = await collect(client.agents['tenant-agent'].stream({ message: 'hi' }));
    expect(events.map((e) => e.event)).toEqual([
      'RunStarted',
      'ModelRequestStarted',
      'RunContent',
      'RunContent',
      'RunContent',
      'ModelRequestCompleted',
      'RunContentCompleted',
      'RunCompleted',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const content = events.flatMap((e) => (e.event === 'RunContent' ? [e.content] : []));
    expect(content.join('')).toBe('a b c');
  });

  it('splits many concurrent calls into batches the server accepts (maxBatchSize, default 10)', async () => {
    const { url } = await serve(testOS(), cleanup);
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const client = createAgentClient<TestRouter>({ url, fetch: counting });
    const agents = await Promise.all(Array.from({ length: 25 }, () => client.agents.list()));
    expect(agents).toHaveLength(25);
    expect(requests).toBe(3); // 10 + 10 + 5: none refused with BATCH_TOO_LARGE
    requests = 0;
    const small = createAgentClient<TestRouter>({ url, fetch: counting, maxBatchSize: 5 });
    await Promise.all(Array.from({ length: 10 }, () => small.agents.list()));
    expect(requests).toBe(2);
  });

  it('sends a mutation in a request of its own: a run never holds back the queries sent with it', async () => {
    const { url } = await serve(testOS(), cleanup);
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const client = createAgentClient<TestRouter>({ url, fetch: recording });
    const [run, agents, agent] = await Promise.all([
      client.agents['plain-agent'].run({ message: 'hi' }),
      client.agents.list(),
      client.agents.get({ agentId: 'plain-agent' }),
    ]);
    expect(run.status).toBe('COMPLETED');
    expect(agents.length).toBeGreaterThan(0);
    expect(agent.id).toBe('plain-agent');
    const paths = sent.map((u) => new URL(u).pathname.replace(/^.*\/trpc\//, ''));
    expect(paths.sort()).toEqual(['agents.list,agents.get', 'agents.plain-agent.run']);
    expect(sent.find((u) => u.includes('plain-agent.run'))).not.toContain('batch=1');
  });

  it('lists and gets agents without calling a factory', async () => {
    const { url, calls } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const agents = await client.agents.list();
    expect(agents.map((a) => a.id)).toEqual([
      'tenant-agent',
      'research-agent',
      'workspace-agent',
      'ticket-agent',
      'plain-agent',
      'triage-agent',
    ]);
    const research = await client.agents.get({ agentId: 'research-agent' });
    expect(research).toMatchObject({ isFactory: true, factoryInputSchema: { type: 'object' } });
    expect(Object.values(calls).every((n) => n === 0)).toBe(true);
  });

  it('gets, cancels and continues runs; lists, gets, renames, forks and deletes sessions', async () => {
    const { url, inputs } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const first = await client.agents['research-agent'].run({
      message: 'one',
      factoryInput: { persona: 'advisor', depth: 7 },
    });
    expect((await client.runs.get({ runId: first.runId })).status).toBe('COMPLETED');
    expect((await client.runs.cancel({ runId: first.runId })).status).toBe('COMPLETED');
    // Agno's continue: a completed run goes on with the new input, on the same run id.
    const next = await client.runs.continue({ runId: first.runId, input: 'two' });
    expect(next).toMatchObject({ runId: first.runId, sessionId: first.sessionId });
    expect(inputs).toEqual([
      { persona: 'advisor', depth: 7 },
      { persona: 'advisor', depth: 7 },
    ]);
    expect((await client.sessions.list()).map((s) => s.sessionId)).toContain(first.sessionId);
    expect(await client.sessions.list({ agentId: 'tenant-agent' })).toEqual([]);
    const renamed = await client.sessions.rename({ sessionId: first.sessionId, name: 'n' });
    expect(renamed.name).toBe('n');
    expect((await client.sessions.get({ sessionId: first.sessionId })).runs).toHaveLength(1);
    const forked = await client.sessions.fork({ sessionId: first.sessionId, name: 'branch' });
    expect(forked).toMatchObject({ name: 'branch', forkedFromSessionId: first.sessionId });
    expect((await client.sessions.get({ sessionId: forked.sessionId })).runs).toHaveLength(1);
    expect(await client.sessions.delete({ sessionId: first.sessionId })).toEqual({ deleted: true });
  });

  it('works for AgentOS nested in a host router, with `path`', async () => {
    const setup = testOS();
    cleanup.add(() => setup.os.close());
    const { url } = await serveHost(setup.os.router, cleanup);
    const client = createAgentClient<HostRouter>({ url, path: 'ai' });
    const run = await client.agents['research-agent'].run({
      message: 'hi',
      factoryInput: { depth: 2 },
    });
    expect(run.status).toBe('COMPLETED');
    expect(setup.inputs).toEqual([{ persona: 'analyst', depth: 2 }]);
    const events = await collect(client.agents['tenant-agent'].stream({ message: 'yo' }));
    expect(events.at(-1)?.event).toBe('RunCompleted');
    expect((await client.agents.list()).length).toBe(6);
  });

  it('sends static headers and a static token', async () => {
    const { url } = await serve(testOS(), cleanup);
    const seen: (string | null)[] = [];
    const client = createAgentClient<TestRouter>({
      url,
      token: 'static-token',
      headers: { 'x-tenant': 't1' },
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        seen.push(`${headers.get('authorization')} ${headers.get('x-tenant')}`);
        return fetch(input, init);
      },
    });
    await client.agents.list();
    await collect(client.agents['tenant-agent'].stream({ message: 'hi' }));
    // list, then the stream's start and watch.
    expect(seen).toEqual(Array(3).fill('Bearer static-token t1'));
  });
});
