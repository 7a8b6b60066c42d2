import { AgentMintError } from '@agentmint/core';

/** An integer query parameter within bounds, or `fallback` when absent; 400 naming it otherwise. */
export function boundedInt(
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  name = 'value',
): number {
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new AgentMintError(
      'BAD_REQUEST',
      `\`${name}\`: expected an integer from ${min} to ${max}, got '${raw}'`,
    );
  }
  return value;
}

/** One of `allowed`, or `fallback` when absent; 400 listing the allowed values otherwise. */
export function oneOf<const TValue extends string>(
  raw: string | undefined,
  allowed: readonly TValue[],
  fallback: TValue,
  name: string,
): TValue {
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as TValue;
  throw new AgentMintError(
    'BAD_REQUEST',
    `\`${name}\` must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got '${raw}'`,
  );
}
