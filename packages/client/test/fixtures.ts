import {
  Agent,
  AgentFactory,
  FactoryPermissionError,
  InMemoryDb,
  type Store,
} from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { AgentOS, type AgentOSOptions, type ServerHandle } from '@agentmint/trpc';
import { z } from 'zod';

/** The structured output of `triage-agent`. */
export const TriageVerdict = z.object({
  label: z.enum(['bug', 'feature', 'question']),
  tags: z.array(z.string()).default([]),
});

/** The seed's agents plus one whose schema has a required field, with factory-call counters. */
export function testAgents(db: Store = new InMemoryDb(), model = new ScriptedModel()) {
  const calls = { tenant: 0, research: 0, workspace: 0, ticket: 0, plain: 0 };
  const inputs: unknown[] = [];
  const tenant = new AgentFactory({
    id: 'tenant-agent',
    db,
    name: 'Per-tenant assistant',
    factory: (ctx) => {
      calls.tenant++;
      return new Agent({ model, instructions: `tenant ${ctx.userId ?? 'anonymous'}` });
    },
  });
  const research = new AgentFactory({
    id: 'research-agent',
    db,
    inputSchema: z.object({
      persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
      depth: z.number().int().default(3),
    }),
    factory: (ctx) => {
      calls.research++;
      inputs.push(ctx.input);
      return new Agent({ model, instructions: `${ctx.input.persona} ${ctx.input.depth}` });
    },
  });
  const workspace = new AgentFactory({
    id: 'workspace-agent',
    db,
    factory: (ctx) => {
      calls.workspace++;
      const role = ctx.trusted.claims.role;
      if (typeof role !== 'string') throw new FactoryPermissionError('A role claim is required');
      return new Agent({ model, instructions: `role ${role}` });
    },
  });
  const ticket = new AgentFactory({
    id: 'ticket-agent',
    db,
    inputSchema: z.object({
      ticketId: z.string().min(1),
      priority: z.enum(['low', 'high']).default('low'),
    }),
    factory: (ctx) => {
      calls.ticket++;
      inputs.push(ctx.input);
      return new Agent({ model, instructions: `ticket ${ctx.input.ticketId}` });
    },
  });
  const plain = new Agent({ id: 'plain-agent', model, db });
  // Answers with a verdict built from the message, so tests see a structured output end to end.
  const triageModel = new ScriptedModel({
    fallback: (request) => {
      const last = request.messages.findLast((m) => m.role === 'user')?.content ?? '';
      return { text: JSON.stringify({ label: last.includes('crash') ? 'bug' : 'question' }) };
    },
  });
  const triage = new AgentFactory({
    id: 'triage-agent',
    db,
    inputSchema: z.object({ strict: z.boolean().default(false) }),
    factory: (ctx) =>
      new Agent({
        model: triageModel,
        instructions: `Triage the message${ctx.input.strict ? ' strictly' : ''}.`,
        outputSchema: TriageVerdict,
      }),
  });
  return {
    agents: [tenant, research, workspace, ticket, plain, triage] as const,
    calls,
    inputs,
    model,
    db,
  };
}

export function testOS(options: Omit<AgentOSOptions<readonly []>, 'agents'> = {}) {
  const setup = testAgents();
  const os = new AgentOS({ ...options, agents: setup.agents });
  return { os, ...setup };
}

export type TestRouter = ReturnType<typeof testOS>['os']['router'];

/** Closes everything a test started, newest first, even when the test failed. */
export class Cleanup {
  readonly #tasks: (() => Promise<void>)[] = [];
  add(task: () => Promise<void>): void {
    this.#tasks.push(task);
  }
  async run(): Promise<void> {
    for (const task of this.#tasks.splice(0).reverse()) await task();
  }
}

/** A real AgentOS on 127.0.0.1, port 0; its tRPC endpoint is `${url}/trpc`. */
export async function serve(setup: ReturnType<typeof testOS>, cleanup: Cleanup) {
  const server: ServerHandle = await setup.os.serve({ port: 0 });
  cleanup.add(() => server.close({ graceMs: 100 }));
  return { ...setup, server, url: `${server.url}/trpc` };
}
