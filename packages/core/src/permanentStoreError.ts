import { AgentMintError } from './errors/agentMintError.ts';

// PostgreSQL SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation: foreign
// key, check, not-null, unique): the same write fails the same way however often it is retried.
const PERMANENT_SQLSTATE = /^2[23][0-9A-Z]{3}$/;
// better-sqlite3's extended result codes for the same: constraint violations, type mismatches.
const PERMANENT_SQLITE = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/;

/**
 * True when a failed store write cannot heal by retrying: the store refused the data itself (a
 * foreign key to a deleted session, a check or not-null constraint) or named a typed AgentMint
 * error (e.g. RUN_NOT_FOUND: the row is gone). False for everything else (a dropped connection, a
 * server that went away, a timeout), which a retry may fix. Looks through `cause` chains.
 */
export function isPermanentStoreError(error: unknown): boolean {
  for (let current = error, depth = 0; current != null && depth < 8; depth++) {
    if (current instanceof AgentMintError) {
      if (current.code !== 'STORE_UNAVAILABLE') return true;
    } else if (typeof current === 'object' && 'code' in current) {
      const { code } = current;
      if (
        typeof code === 'string' &&
        (PERMANENT_SQLSTATE.test(code) || PERMANENT_SQLITE.test(code))
      )
        return true;
    }
    current =
      current instanceof Error || typeof current === 'object'
        ? (current as { cause?: unknown }).cause
        : undefined;
  }
  return false;
}
