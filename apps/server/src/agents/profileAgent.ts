import { Agent, AgentFactory, type Model, type Store } from '@agentmint/core';

interface TenantProfile {
  readonly instructions: string;
}

/** Stands in for a profile service the factory awaits (a database or an HTTP call). */
async function fetchTenantProfile(
  userId: string | undefined,
  signal: AbortSignal,
): Promise<TenantProfile> {
  // Web-standard timers, not node:timers: the router type a browser app imports reaches this file.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, 1);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
  return { instructions: `You assist ${userId ?? 'a guest'}. Answer in one short paragraph.` };
}

/** The seed's async factory: awaits a profile lookup before building the agent. */
export function profileAgent(db: Store, model: () => Model) {
  return new AgentFactory({
    id: 'profile-agent',
    db,
    name: 'Profile-driven assistant',
    description: 'An async factory: loads the tenant profile, then builds the agent.',
    timeoutMs: 5_000,
    factory: async (ctx) => {
      const profile = await fetchTenantProfile(ctx.userId, ctx.signal);
      return new Agent({ model: model(), db, instructions: profile.instructions });
    },
  });
}
