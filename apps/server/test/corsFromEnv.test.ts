import { describe, expect, it } from 'vitest';
import { corsFromEnv } from '../src/corsFromEnv.ts';

describe('AGENTMINT_CORS_ORIGINS', () => {
  it('is off when unset or empty', () => {
    expect(corsFromEnv({})).toBeUndefined();
    expect(corsFromEnv({ AGENTMINT_CORS_ORIGINS: ' ' })).toBeUndefined();
  });

  it('reads a comma-separated list (spaces and a trailing slash forgiven) or *', () => {
    expect(
      corsFromEnv({ AGENTMINT_CORS_ORIGINS: 'http://localhost:5173/, https://app.example.com' }),
    ).toEqual({ origins: ['http://localhost:5173', 'https://app.example.com'] });
    expect(corsFromEnv({ AGENTMINT_CORS_ORIGINS: '*' })).toEqual({ origins: '*' });
  });

  it('refuses what a browser never sends as an Origin, saying how to write one', () => {
    expect(() => corsFromEnv({ AGENTMINT_CORS_ORIGINS: 'localhost:5173' })).toThrow(
      /"localhost:5173" is not an origin; write scheme:\/\/host\[:port\]/,
    );
    expect(() => corsFromEnv({ AGENTMINT_CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(
      /is not an origin/,
    );
  });
});
