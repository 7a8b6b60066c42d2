import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { describe, it } from 'vitest';
import { createAgentClient } from '../src/index.ts';
import type { TestRouter } from './fixtures.ts';
import type { HostRouter } from './hostRouter.ts';

// Compile-only: every `@ts-expect-error` marks a call that must not compile (tsc fails on an unused one).
declare const url: string;
const t = initTRPC.create({ transformer: superjson });
const noAgentOS = t.router({ ping: t.procedure.query(() => 'pong') });
type NoAgentOS = typeof noAgentOS;
const client = createAgentClient<TestRouter>({ url });
const research = client.agents['research-agent'];

describe('calls that must not compile', () => {
  it('rejects a wrong enum value', () => {
    // @ts-expect-error persona is 'analyst' | 'advisor' | 'skeptic'
    void research.run({ message: 'x', factoryInput: { persona: 'pirate' } });
    // @ts-expect-error same on stream
    void research.stream({ message: 'x', factoryInput: { persona: 'pirate' } });
  });

  it('rejects a wrong field type', () => {
    // @ts-expect-error depth is a number
    void research.run({ message: 'x', factoryInput: { depth: '5' } });
    // @ts-expect-error message is a string
    void research.run({ message: 5 });
  });

  it('rejects an unknown field', () => {
    // @ts-expect-error no such factoryInput field
    void research.run({ message: 'x', factoryInput: { tone: 'dry' } });
    // @ts-expect-error no such run field
    void research.run({ message: 'x', temperature: 1 });
  });

  it('rejects an unknown agent id', () => {
    // @ts-expect-error not a registered agent
    void client.agents['pirate-agent'];
    // @ts-expect-error ids are case-sensitive
    void client.agents['Research-agent'];
  });

  it('rejects factoryInput on agents without a schema', () => {
    // @ts-expect-error tenant-agent is a factory without inputSchema
    void client.agents['tenant-agent'].run({ message: 'x', factoryInput: { a: 1 } });
    // @ts-expect-error plain-agent is a plain Agent
    void client.agents['plain-agent'].run({ message: 'x', factoryInput: {} });
    // @ts-expect-error not even undefined, under exactOptionalPropertyTypes
    void client.agents['tenant-agent'].stream({ message: 'x', factoryInput: undefined });
  });

  it('requires factoryInput when the schema has a required field', () => {
    // @ts-expect-error ticket-agent needs factoryInput.ticketId
    void client.agents['ticket-agent'].run({ message: 'x' });
    // @ts-expect-error ticketId has no default
    void client.agents['ticket-agent'].run({ message: 'x', factoryInput: { priority: 'high' } });
    void client.agents['ticket-agent'].run({ message: 'x', factoryInput: { ticketId: 'T-1' } });
    void research.run({ message: 'x' });
  });

  it('rejects a missing message and wrong namespace inputs', () => {
    // @ts-expect-error message is required
    void research.run({ factoryInput: { depth: 2 } });
    // @ts-expect-error runs.get needs a runId
    void client.runs.get({});
    // @ts-expect-error lastEventId belongs to the link
    void research.stream({ message: 'x', lastEventId: 'r:1' });
    // @ts-expect-error no such namespace call
    void client.runs.list();
  });

  it('checks the path of a nested AgentOS', () => {
    createAgentClient<HostRouter>({ url, path: 'ai' });
    // @ts-expect-error the host mounts AgentOS at 'ai'
    createAgentClient<HostRouter>({ url, path: 'agents' });
    // @ts-expect-error a host router needs the path
    createAgentClient<HostRouter>({ url });
    // @ts-expect-error the AgentOS router itself takes no path
    createAgentClient<TestRouter>({ url, path: 'ai' });
    // @ts-expect-error a router without AgentOS in it
    createAgentClient<NoAgentOS>({ url });
  });

  it('takes string or async tokens only', () => {
    createAgentClient<TestRouter>({ url, token: 'jwt' });
    createAgentClient<TestRouter>({ url, token: async () => undefined });
    // @ts-expect-error a token is a string or a function returning one
    createAgentClient<TestRouter>({ url, token: 42 });
  });
});
