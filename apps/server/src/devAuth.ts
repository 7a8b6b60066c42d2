import type { AuthOptions } from '@agentmint/trpc';

/** HS256 auth from `AGENTMINT_JWT_SECRET`; off when it is unset, so the seed's curls work as-is. */
export function devAuthFromEnv(env: NodeJS.ProcessEnv = process.env): AuthOptions | undefined {
  const secret = env.AGENTMINT_JWT_SECRET;
  if (!secret) return undefined;
  return {
    secret,
    algorithms: ['HS256'],
    ...(env.AGENTMINT_JWT_ISSUER && { issuer: env.AGENTMINT_JWT_ISSUER }),
    ...(env.AGENTMINT_JWT_AUDIENCE && { audience: env.AGENTMINT_JWT_AUDIENCE }),
  };
}
