import { Agent, AgentFactory, type Model, type Store } from '@agentmint/core';

/** The seed's basic factory: a personalised agent per tenant, built on every request. */
export function tenantAgent(db: Store, model: () => Model) {
  return new AgentFactory({
    id: 'tenant-agent',
    db,
    name: 'Per-tenant assistant',
    description: 'Builds a personalized agent per tenant on each request.',
    factory: (ctx) =>
      new Agent({
        model: model(),
        db,
        instructions: `You are a helpful assistant for tenant ${ctx.userId ?? 'anonymous'}. Be concise.`,
        markdown: true,
      }),
  });
}
