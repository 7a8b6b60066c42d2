/** Scopes AgentOS understands (contract §4); per-agent run scopes come from `agentRunScope`. */
export const SCOPES = Object.freeze({
  agentsRead: 'agents:read',
  agentsRun: 'agents:run',
  anyAgentRun: 'agents:*:run',
  sessionsRead: 'sessions:read',
  sessionsWrite: 'sessions:write',
  sessionsDelete: 'sessions:delete',
} as const);

/** `agents:<id>:run`; agent ids cannot contain ':' or spaces, so the scope is unambiguous. */
export function agentRunScope(agentId: string): string {
  return `agents:${agentId}:run`;
}

// RFC 6749 §3.3 scope-token: printable ASCII except space, '"' and '\'.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const WHITESPACE = /\s+/;

/**
 * The caller's scopes from verified claims: the `scopes` claim (array, or a space-separated
 * string) and the OAuth `scope` claim split on whitespace (Agno bug: not split), deduplicated.
 * Non-strings and malformed entries are ignored rather than trusted.
 */
export function scopesFromClaims(claims: Readonly<Record<string, unknown>>): string[] {
  const scopes = new Set<string>();
  collect(claims.scopes, scopes);
  collect(claims.scope, scopes);
  return [...scopes];
}

function collect(value: unknown, into: Set<string>): void {
  const items: readonly unknown[] =
    typeof value === 'string' ? value.split(WHITESPACE) : Array.isArray(value) ? value : [];
  for (const item of items) {
    if (typeof item === 'string' && SCOPE_TOKEN.test(item)) into.add(item);
  }
}
