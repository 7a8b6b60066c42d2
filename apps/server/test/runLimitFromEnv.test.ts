import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RUNS_PER_USER, maxRunsPerUserFromEnv } from '../src/runLimitFromEnv.ts';

describe('AGENTMINT_MAX_RUNS_PER_USER', () => {
  it('defaults to 8 when unset or empty', () => {
    expect(DEFAULT_MAX_RUNS_PER_USER).toBe(8);
    expect(maxRunsPerUserFromEnv({})).toBe(8);
    expect(maxRunsPerUserFromEnv({ AGENTMINT_MAX_RUNS_PER_USER: ' ' })).toBe(8);
  });

  it('takes a positive integer', () => {
    expect(maxRunsPerUserFromEnv({ AGENTMINT_MAX_RUNS_PER_USER: '1' })).toBe(1);
    expect(maxRunsPerUserFromEnv({ AGENTMINT_MAX_RUNS_PER_USER: ' 32 ' })).toBe(32);
  });

  it.each(['0', '-1', '2.5', 'eight', '1e3', 'Infinity', '99999999999999999999'])(
    'refuses %s at start-up instead of running without a cap',
    (value) => {
      expect(() => maxRunsPerUserFromEnv({ AGENTMINT_MAX_RUNS_PER_USER: value })).toThrow(
        /AGENTMINT_MAX_RUNS_PER_USER must be a positive integer/,
      );
    },
  );
});
