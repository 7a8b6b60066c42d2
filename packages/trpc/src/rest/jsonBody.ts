import { AgentMintError } from '@agentmint/core';
import type { Context } from 'hono';

/** The request body as a JSON object; 400 for anything else (bad JSON, an array, a scalar). */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = await c.req.json();
  } catch {
    throw new AgentMintError('BAD_REQUEST', 'The request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AgentMintError('BAD_REQUEST', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Like `readJsonObject`, but an empty body is an empty object (a POST whose fields are all optional). */
export async function readOptionalJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AgentMintError('BAD_REQUEST', 'The request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AgentMintError('BAD_REQUEST', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** An optional string field of a JSON body; 400 naming the field when it is anything else. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new AgentMintError('BAD_REQUEST', `\`${field}\` must be a string`);
  return value;
}

/** An optional JSON object field of a JSON body; 400 naming the field when it is anything else. */
export function optionalObject(
  body: Record<string, unknown>,
  field: string,
): Record<string, unknown> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AgentMintError('BAD_REQUEST', `\`${field}\` must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
