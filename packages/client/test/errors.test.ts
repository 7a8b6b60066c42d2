import { createTRPCClient } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AgentMintClientError,
  agentLinks,
  createAgentClient,
  isForbidden,
  isNotFound,
  isRateLimited,
  isUnauthenticated,
  isValidationError,
  toClientError,
} from '../src/index.ts';
import { collect } from './collect.ts';
import { Cleanup, serve, type TestRouter, testOS } from './fixtures.ts';
import { type HostRouter, serveHost } from './hostRouter.ts';
import { ALL_SCOPES, jwtAuth, signToken } from './tokens.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Resolves with what `promise` rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<AgentMintClientError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(AgentMintClientError);
  return outcome as AgentMintClientError;
}

function summary(error: AgentMintClientError) {
  return { code: error.code, httpStatus: error.httpStatus, message: error.message };
}

describe('typed errors', () => {
  it('400: factory validation with issues and paths, before the factory runs', async () => {
    const { url, calls } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const error = await rejection(
      client.agents['research-agent'].run({
        message: 'x',
        factoryInput: { depth: 'deep' as unknown as number },
      }),
    );
    expect(isValidationError(error)).toBe(true);
    expect(error.code).toBe('FACTORY_VALIDATION');
    expect(error.httpStatus).toBe(400);
    expect(error.issues.map((i) => i.path)).toEqual([['factoryInput', 'depth']]);
    const missing = await rejection(
      client.agents['ticket-agent'].run({ message: 'x', factoryInput: {} as { ticketId: string } }),
    );
    expect(missing.issues.map((i) => i.path)).toEqual([['factoryInput', 'ticketId']]);
    const streamed = await rejection(
      collect(
        client.agents['research-agent'].stream({
          message: 'x',
          factoryInput: { persona: 'pirate' as 'analyst' },
        }),
      ),
    );
    expect(summary(streamed)).toMatchObject({ code: 'FACTORY_VALIDATION', httpStatus: 400 });
    expect(streamed.issues[0]?.path).toEqual(['factoryInput', 'persona']);
    expect(calls.research + calls.ticket).toBe(0);
  });

  it('400: an invalid envelope is BAD_REQUEST with issues', async () => {
    const { url } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const error = await rejection(client.agents['tenant-agent'].run({ message: '' }));
    expect(isValidationError(error)).toBe(true);
    expect(summary(error)).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.issues[0]?.path).toEqual(['message']);
  });

  it('401: a missing or bad token, on calls and on streams', async () => {
    const { url, calls } = await serve(testOS({ auth: jwtAuth }), cleanup);
    const anonymous = createAgentClient<TestRouter>({ url });
    const listed = await rejection(anonymous.agents.list());
    expect(isUnauthenticated(listed)).toBe(true);
    expect(listed.httpStatus).toBe(401);
    const bad = createAgentClient<TestRouter>({ url, token: 'not-a-jwt' });
    expect(
      summary(await rejection(bad.agents['tenant-agent'].run({ message: 'x' }))),
    ).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401 });
    const streamed = await rejection(collect(bad.agents['tenant-agent'].stream({ message: 'x' })));
    expect(isUnauthenticated(streamed)).toBe(true);
    expect(calls.tenant).toBe(0);
  });

  it('403: a missing scope names the scope; the factory never runs', async () => {
    const { url, calls } = await serve(testOS({ auth: jwtAuth }), cleanup);
    const token = await signToken({ sub: 'u1', scope: 'agents:read' });
    const client = createAgentClient<TestRouter>({ url, token });
    const error = await rejection(client.agents['tenant-agent'].run({ message: 'x' }));
    expect(isForbidden(error)).toBe(true);
    expect(summary(error)).toEqual({
      code: 'FORBIDDEN',
      httpStatus: 403,
      message: "This request needs the 'agents:tenant-agent:run' scope",
    });
    expect(calls.tenant).toBe(0);
  });

  it('403: a factory that refuses the caller is FACTORY_FORBIDDEN with its message', async () => {
    const { url } = await serve(testOS({ auth: jwtAuth }), cleanup);
    const noRole = createAgentClient<TestRouter>({ url, token: () => signToken() });
    const error = await rejection(noRole.agents['workspace-agent'].run({ message: 'x' }));
    expect(isForbidden(error)).toBe(true);
    expect(summary(error)).toEqual({
      code: 'FACTORY_FORBIDDEN',
      httpStatus: 403,
      message: 'A role claim is required',
    });
    const editor = createAgentClient<TestRouter>({
      url,
      token: () => signToken({ sub: 'u2', scope: ALL_SCOPES, role: 'editor' }),
    });
    expect((await editor.agents['workspace-agent'].run({ message: 'x' })).status).toBe('COMPLETED');
  });

  it('404: unknown agent, run and session', async () => {
    const { url } = await serve(testOS(), cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const agents = client.agents as unknown as Record<
      string,
      (typeof client.agents)['tenant-agent']
    >;
    const noAgent = await rejection(agents['no-such-agent']!.run({ message: 'x' }));
    expect(isNotFound(noAgent)).toBe(true);
    expect(summary(noAgent)).toMatchObject({ code: 'AGENT_NOT_FOUND', httpStatus: 404 });
    const noGet = await rejection(client.agents.get({ agentId: 'no-such-agent' }));
    expect(noGet.code).toBe('AGENT_NOT_FOUND');
    const noRun = await rejection(client.runs.get({ runId: 'nope' }));
    expect(summary(noRun)).toMatchObject({ code: 'RUN_NOT_FOUND', httpStatus: 404 });
    const noSession = await rejection(client.sessions.get({ sessionId: 'nope' }));
    expect(isNotFound(noSession)).toBe(true);
    expect(noSession.code).toBe('SESSION_NOT_FOUND');
  });

  it('429: too many concurrent runs carries retryAfterSeconds', async () => {
    const setup = testOS({ maxConcurrentRunsPerUser: 1 });
    setup.model.script({ text: 'slow', deltas: 1, delayMs: 400 });
    const { url } = await serve(setup, cleanup);
    const client = createAgentClient<TestRouter>({ url });
    const slow = client.agents['tenant-agent'].run({ message: 'one', userId: 'u1' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await rejection(
      client.agents['tenant-agent'].run({ message: 'two', userId: 'u1' }),
    );
    expect(isRateLimited(error)).toBe(true);
    if (!isRateLimited(error)) return;
    expect(error.httpStatus).toBe(429);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    await slow;
  });

  it('falls back to the tRPC code when a host router’s error formatter drops agentmintCode', async () => {
    const setup = testOS();
    cleanup.add(() => setup.os.close());
    const { url } = await serveHost(setup.os.router, cleanup);
    const client = createAgentClient<HostRouter>({ url, path: 'ai' });
    const forbidden = await rejection(client.agents['workspace-agent'].run({ message: 'x' }));
    expect(summary(forbidden)).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(forbidden.trpcCode).toBe('FORBIDDEN');
    const invalid = await rejection(
      client.agents['research-agent'].run({ message: 'x', factoryInput: { depth: 1.5 } }),
    );
    expect(isValidationError(invalid)).toBe(true);
    expect(invalid.httpStatus).toBe(400);
    const missing = await rejection(client.sessions.get({ sessionId: 'nope' }));
    expect(isNotFound(missing)).toBe(true);
  });

  it('NETWORK_ERROR when nothing answers', async () => {
    const { server } = await serve(testOS(), cleanup);
    const url = `${server.url}/trpc`;
    await server.close();
    const client = createAgentClient<TestRouter>({ url });
    const error = await rejection(client.agents.list());
    expect(summary(error)).toMatchObject({ code: 'NETWORK_ERROR', httpStatus: 0 });
    // It cannot know whether the server is down or a browser withheld the answer (CORS): it says so.
    expect(error.message).toMatch(/No response from the AgentMint server could be read/);
    expect(error.message).toMatch(/unreachable .*or the browser blocked the response/);
  });

  it("toClientError gives tRPC's own client (React Query users) the same typed errors", async () => {
    const { server } = await serve(testOS(), cleanup);
    const trpc = createTRPCClient<TestRouter>({ links: agentLinks({ url: `${server.url}/trpc` }) });
    const thrown = await trpc.agents['research-agent'].run
      .mutate({ message: 'x', factoryInput: { persona: 'pirate' as 'analyst' } })
      .catch((error: unknown) => error);
    const invalid = toClientError(thrown);
    expect(isValidationError(invalid)).toBe(true);
    expect(invalid.issues[0]?.path).toEqual(['factoryInput', 'persona']);
    await server.close();
    const unreachable = toClientError(await trpc.agents.list.query().catch((e: unknown) => e));
    expect(unreachable.code).toBe('NETWORK_ERROR');
    expect(unreachable.message).toMatch(/No response from the AgentMint server could be read/);
  });
});
