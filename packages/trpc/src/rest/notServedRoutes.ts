import { AgentMintError } from '@agentmint/core';
import type { Hono } from 'hono';
import type { RestEnv } from './restEnv.ts';

/**
 * Agno AgentOS features AgentMint does not serve, by the route prefixes Agno's client calls
 * (libs/agno/agno/client/os.py). Each answers 501 FEATURE_NOT_SERVED in Agno's error shape.
 */
export const NOT_SERVED_FEATURES: readonly {
  readonly feature: string;
  readonly prefixes: readonly string[];
}[] = [
  { feature: 'teams', prefixes: ['/teams'] },
  { feature: 'workflows', prefixes: ['/workflows'] },
  {
    feature: 'memories',
    prefixes: ['/memories', '/memory_topics', '/user_memory_stats', '/optimize-memories'],
  },
  { feature: 'knowledge', prefixes: ['/knowledge'] },
  { feature: 'evals', prefixes: ['/eval-runs'] },
  { feature: 'traces', prefixes: ['/traces', '/trace_session_stats'] },
  { feature: 'metrics', prefixes: ['/metrics'] },
  { feature: 'database migrations', prefixes: ['/databases'] },
];

/** The error for a feature AgentMint does not serve (501, code FEATURE_NOT_SERVED). */
export function notServed(feature: string): AgentMintError {
  return new AgentMintError(
    'FEATURE_NOT_SERVED',
    `AgentMint does not serve Agno's ${feature}; it serves agents, their runs and sessions`,
  );
}

/** Answers every method on every not-served prefix; mounted before auth, as it reveals nothing. */
export function registerNotServedRoutes(app: Hono<RestEnv>): void {
  for (const { feature, prefixes } of NOT_SERVED_FEATURES) {
    for (const prefix of prefixes) {
      for (const path of [prefix, `${prefix}/*`]) {
        app.all(path, () => {
          throw notServed(feature);
        });
      }
    }
  }
}
