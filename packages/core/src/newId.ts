import { randomUUID } from 'node:crypto';

/** Ids for sessions, runs and tool calls: random UUIDs, safe to show clients. */
export function newId(): string {
  return randomUUID();
}
