import type { MetricsOptions } from '@agentmint/trpc';

/** `AGENTMINT_METRICS=1` serves `/metrics`; `AGENTMINT_METRICS_TOKEN` then requires that bearer. */
export function metricsFromEnv(env: NodeJS.ProcessEnv = process.env): MetricsOptions | undefined {
  if (env.AGENTMINT_METRICS !== '1' && env.AGENTMINT_METRICS !== 'true') return undefined;
  return env.AGENTMINT_METRICS_TOKEN ? { token: env.AGENTMINT_METRICS_TOKEN } : {};
}
