import type { RunEvent, RunOutput, SessionRecord } from '@agentmint/core';
import type { AgentInfo } from '@agentmint/trpc';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentClient,
  type AgentId,
  type AgentMintClientError,
  type AgentMintClientErrorCode,
  type AgentOSPath,
  type AgentOutput,
  type AgentRunInput,
  createAgentClient,
  type FactoryInput,
  isForbidden,
  isNotFound,
  isRateLimited,
  isUnauthenticated,
  isValidationError,
  type ValidationIssue,
} from '../src/index.ts';
import type { TestRouter } from './fixtures.ts';
import type { HostRouter } from './hostRouter.ts';

const client = createAgentClient<TestRouter>({ url: 'http://127.0.0.1:1/trpc' });
type Persona = 'analyst' | 'advisor' | 'skeptic';

describe('createAgentClient types', () => {
  it('knows every agent id, as literals', () => {
    expectTypeOf<AgentId<TestRouter>>().toEqualTypeOf<
      | 'tenant-agent'
      | 'research-agent'
      | 'workspace-agent'
      | 'ticket-agent'
      | 'plain-agent'
      | 'triage-agent'
    >();
    expectTypeOf<AgentOSPath<TestRouter>>().toEqualTypeOf<''>();
  });

  it("types run.output as z.output of the agent's outputSchema, null without one", async () => {
    type Verdict = { label: 'bug' | 'feature' | 'question'; tags: string[] };
    expectTypeOf<AgentOutput<TestRouter, 'triage-agent'>>().toEqualTypeOf<Verdict>();
    const run = await client.agents['triage-agent'].run({ message: 'x' });
    expectTypeOf(run.output).toEqualTypeOf<Verdict | null>();
    expectTypeOf<AgentOutput<TestRouter, 'research-agent'>>().toEqualTypeOf<null>();
    expectTypeOf<AgentOutput<TestRouter, 'plain-agent'>>().toEqualTypeOf<null>();
    // @ts-expect-error the schema has no such field
    void run.output?.severity;
  });

  it('types factoryInput as z.input of the schema: defaults optional, required stays required', () => {
    expectTypeOf<FactoryInput<TestRouter, 'research-agent'>>().toEqualTypeOf<{
      persona?: Persona | undefined;
      depth?: number | undefined;
    }>();
    expectTypeOf<FactoryInput<TestRouter, 'ticket-agent'>>().toEqualTypeOf<{
      ticketId: string;
      priority?: 'low' | 'high' | undefined;
    }>();
    expectTypeOf<FactoryInput<TestRouter, 'tenant-agent'>>().toBeNever();
    expectTypeOf<FactoryInput<TestRouter, 'plain-agent'>>().toBeNever();
  });

  it('makes factoryInput optional or required on run() and stream()', () => {
    expectTypeOf<AgentRunInput<TestRouter, 'research-agent'>>().toHaveProperty('factoryInput');
    expectTypeOf<{ message: string }>().toExtend<AgentRunInput<TestRouter, 'research-agent'>>();
    expectTypeOf<{ message: string }>().not.toExtend<AgentRunInput<TestRouter, 'ticket-agent'>>();
    expectTypeOf<{ message: string; factoryInput: { ticketId: string } }>().toExtend<
      AgentRunInput<TestRouter, 'ticket-agent'>
    >();
    expectTypeOf(client.agents['ticket-agent'].stream)
      .parameter(0)
      .toHaveProperty('factoryInput')
      .toEqualTypeOf<{ ticketId: string; priority?: 'low' | 'high' | undefined }>();
  });

  it('types start() by the factory schema, exactly as run(), and resolves it with the ids', () => {
    expectTypeOf(client.agents['ticket-agent'].start)
      .parameter(0)
      .toEqualTypeOf<AgentRunInput<TestRouter, 'ticket-agent'>>();
    expectTypeOf(client.agents['research-agent'].start).returns.toEqualTypeOf<
      Promise<{ readonly runId: string; readonly sessionId: string }>
    >();
    // @ts-expect-error ticketId is required by the schema
    void client.agents['ticket-agent'].start({ message: 'x', factoryInput: {} });
    // @ts-expect-error persona is an enum
    void client.agents['research-agent'].start({ message: 'x', factoryInput: { persona: 'x' } });
  });

  it('watches a run: runs.watch() yields RunEvent and takes a runId and lastEventId', () => {
    expectTypeOf(client.runs.watch({ runId: 'r1' })).toEqualTypeOf<
      AsyncGenerator<RunEvent, void, undefined>
    >();
    expectTypeOf(client.runs.watch).parameter(0).toEqualTypeOf<{
      readonly runId: string;
      readonly agentId?: string | undefined;
      readonly lastEventId?: string | null | undefined;
    }>();
    // @ts-expect-error a watch needs the run id
    void client.runs.watch({ lastEventId: 'r1:3' });
  });

  it('resolves run() with the run output and streams the RunEvent union', () => {
    expectTypeOf(client.agents['research-agent'].run).returns.toEqualTypeOf<
      Promise<RunOutput<null>>
    >();
    expectTypeOf(client.agents['tenant-agent'].stream({ message: 'hi' })).toExtend<
      AsyncIterable<RunEvent>
    >();
    expectTypeOf(client.agents['plain-agent'].stream)
      .parameter(1)
      .toEqualTypeOf<{ readonly signal?: AbortSignal | undefined } | undefined>();
  });

  it('types agents, runs and sessions calls from the router', () => {
    expectTypeOf(client.agents.list).returns.toEqualTypeOf<Promise<AgentInfo[]>>();
    expectTypeOf(client.agents.get).parameter(0).toEqualTypeOf<{ agentId: string }>();
    expectTypeOf(client.runs.get).returns.toEqualTypeOf<Promise<RunOutput>>();
    expectTypeOf(client.runs.continue).parameter(0).toEqualTypeOf<{
      runId: string;
      agentId?: string | undefined;
      tools?:
        | {
            toolCallId: string;
            confirmed?: boolean | undefined;
            confirmationNote?: string | undefined;
            result?: string | undefined;
          }[]
        | undefined;
      input?: string | undefined;
      fork?: boolean | undefined;
    }>();
    expectTypeOf(client.runs.continue).returns.toEqualTypeOf<Promise<RunOutput>>();
    expectTypeOf(client.runs.continueStart).returns.toEqualTypeOf<
      Promise<{ runId: string; sessionId: string }>
    >();
    expectTypeOf(client.sessions.list).returns.toEqualTypeOf<Promise<SessionRecord[]>>();
    expectTypeOf(client.sessions.delete).returns.toEqualTypeOf<Promise<{ deleted: true }>>();
    expectTypeOf(client.sessions.fork)
      .parameter(0)
      .toEqualTypeOf<{ sessionId: string; name?: string | undefined }>();
    expectTypeOf(client.sessions.fork).returns.toEqualTypeOf<Promise<SessionRecord>>();
    expectTypeOf<SessionRecord['forkedFromSessionId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(client.sessions.get).returns.resolves.toEqualTypeOf<{
      session: SessionRecord;
      runs: RunOutput[];
    }>();
    expectTypeOf(client).toEqualTypeOf<AgentClient<TestRouter>>();
  });

  it('finds AgentOS nested in a host router, and checks the path', () => {
    expectTypeOf<AgentOSPath<HostRouter>>().toEqualTypeOf<'ai'>();
    const nested = createAgentClient<HostRouter>({ url: 'http://127.0.0.1:1/api', path: 'ai' });
    expectTypeOf<AgentId<HostRouter>>().toEqualTypeOf<AgentId<TestRouter>>();
    expectTypeOf(nested.agents['research-agent'].run)
      .parameter(0)
      .toEqualTypeOf<AgentRunInput<TestRouter, 'research-agent'>>();
  });
});

declare const agentRouter: TestRouter;
const t = initTRPC.create({ transformer: superjson });
const twoMounts = t.router({ a: agentRouter, v1: t.router({ ai: agentRouter }) });
type TwoMounts = typeof twoMounts;

describe('several or deeper mounts', () => {
  it('finds every mount as a dotted path', () => {
    expectTypeOf<AgentOSPath<TwoMounts>>().toEqualTypeOf<'a' | 'v1.ai'>();
  });

  it('takes the mount as a second type argument', () => {
    const deep = createAgentClient<TwoMounts, 'v1.ai'>({ url: 'http://x/trpc', path: 'v1.ai' });
    expectTypeOf(deep).toEqualTypeOf<AgentClient<TestRouter>>();
    expectTypeOf<AgentId<TwoMounts, 'v1.ai'>>().toEqualTypeOf<AgentId<TestRouter>>();
    // @ts-expect-error the path must match the type argument
    createAgentClient<TwoMounts, 'v1.ai'>({ url: 'http://x/trpc', path: 'a' });
  });
});

describe('error types', () => {
  it('types code as the stable-code union plus local codes', () => {
    expectTypeOf<AgentMintClientError['code']>().toEqualTypeOf<AgentMintClientErrorCode>();
    expectTypeOf<'FACTORY_VALIDATION'>().toExtend<AgentMintClientErrorCode>();
    expectTypeOf<'NETWORK_ERROR' | 'ABORTED'>().toExtend<AgentMintClientErrorCode>();
    expectTypeOf<'TEAPOT'>().not.toExtend<AgentMintClientErrorCode>();
  });

  it('narrows with the guards', () => {
    const error: unknown = new Error('x');
    if (isValidationError(error)) {
      expectTypeOf(error.code).toEqualTypeOf<'FACTORY_VALIDATION' | 'BAD_REQUEST'>();
      expectTypeOf(error.issues).toEqualTypeOf<readonly ValidationIssue[]>();
    }
    if (isForbidden(error)) {
      expectTypeOf(error.code).toEqualTypeOf<'FORBIDDEN' | 'FACTORY_FORBIDDEN'>();
    }
    if (isUnauthenticated(error)) expectTypeOf(error.code).toEqualTypeOf<'UNAUTHENTICATED'>();
    if (isNotFound(error)) {
      expectTypeOf(error.code).toEqualTypeOf<
        'AGENT_NOT_FOUND' | 'RUN_NOT_FOUND' | 'SESSION_NOT_FOUND'
      >();
    }
    if (isRateLimited(error)) expectTypeOf(error.retryAfterSeconds).toEqualTypeOf<number>();
  });
});
