import type { CorsOptions } from '@agentmint/trpc';

/**
 * CORS from `AGENTMINT_CORS_ORIGINS`: a comma-separated list of origins
 * (`http://localhost:5173,https://app.example.com`) or `*`; off when unset.
 */
export function corsFromEnv(env: NodeJS.ProcessEnv = process.env): CorsOptions | undefined {
  const value = env.AGENTMINT_CORS_ORIGINS?.trim();
  if (!value) return undefined;
  if (value === '*') return { origins: '*' };
  const origins = value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    // A browser's Origin header is scheme://host[:port]; anything else would never match.
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new Error(
        `AGENTMINT_CORS_ORIGINS: "${origin}" is not an origin; write scheme://host[:port], e.g. http://localhost:5173`,
      );
    }
  }
  return { origins };
}
