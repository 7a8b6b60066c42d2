import {
  Agent,
  AgentFactory,
  FactoryPermissionError,
  InMemoryDb,
  type Store,
} from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { AgentOS, type AgentOSOptions } from '../src/index.ts';

/** The seed's agents over one store, with counters that prove when a factory ran. */
export function seedAgents(db: Store = new InMemoryDb(), model = new ScriptedModel()) {
  const calls = { tenant: 0, research: 0, workspace: 0, plain: 0 };
  const seen: {
    userIds: (string | undefined)[];
    inputs: unknown[];
    roles: unknown[];
    headers: Readonly<Record<string, string>>[];
  } = {
    headers: [],
    userIds: [],
    inputs: [],
    roles: [],
  };
  const tenant = new AgentFactory({
    id: 'tenant-agent',
    db,
    name: 'Per-tenant assistant',
    description: 'Builds a personalized agent per tenant on each request.',
    factory: (ctx) => {
      calls.tenant++;
      seen.userIds.push(ctx.userId);
      seen.headers.push(ctx.headers);
      return new Agent({
        model,
        instructions: `You are a helpful assistant for tenant ${ctx.userId ?? 'anonymous'}.`,
      });
    },
  });
  const research = new AgentFactory({
    id: 'research-agent',
    db,
    inputSchema: z.object({
      persona: z.enum(['analyst', 'advisor', 'skeptic']).default('analyst'),
      depth: z.number().int().default(3),
    }),
    factory: async (ctx) => {
      calls.research++;
      seen.inputs.push(ctx.input);
      return new Agent({
        model,
        instructions: `persona=${ctx.input.persona} depth=${ctx.input.depth}`,
      });
    },
  });
  const workspace = new AgentFactory({
    id: 'workspace-agent',
    db,
    factory: (ctx) => {
      calls.workspace++;
      const role = ctx.trusted.claims.role;
      seen.roles.push(role);
      if (typeof role !== 'string') throw new FactoryPermissionError('A role claim is required');
      return new Agent({ model, instructions: `role ${role}` });
    },
  });
  const plain = new Agent({ id: 'plain-agent', model, db });
  return { agents: [tenant, research, workspace, plain] as const, calls, seen, model, db };
}

export function seedOS(
  options: Partial<AgentOSOptions<readonly []>> = {},
  db?: Store,
  model?: ScriptedModel,
) {
  const seed = seedAgents(db, model);
  const os = new AgentOS({ ...options, agents: seed.agents });
  return { os, ...seed };
}

export { readServerSentEvents as readSSE } from '@agentmint/testing';

export function form(fields: Record<string, string>): FormData {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  return body;
}

/** The HS256 secret of the protocol tests' servers (`auth: { secret: TEST_JWT_SECRET, ... }`). */
export const TEST_JWT_SECRET = 'protocol-tests-secret-of-at-least-32-bytes';

/** A short-lived HS256 token for `sub` with a space-separated OAuth `scope` claim. */
export function signToken(sub: string, scope = 'agents:read agents:run sessions:read') {
  return new SignJWT({ sub, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}
