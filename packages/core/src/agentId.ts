const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
// tRPC's proxy treats these as calls; `list` and `get` sit beside the agents in the `agents` namespace.
const RESERVED_IDS = new Set(['then', 'call', 'apply', 'list', 'get']);

/** Throws a clear TypeError when `id` cannot name an agent (it becomes a tRPC path segment). */
export function assertValidAgentId(id: unknown, what: string): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new TypeError(`${what} needs a non-empty string id`);
  }
  if (!AGENT_ID.test(id)) {
    throw new TypeError(
      `${what} id '${id}' must match ${AGENT_ID} (letters, digits, '_' and '-'; no dots)`,
    );
  }
  if (RESERVED_IDS.has(id)) {
    throw new TypeError(`${what} id '${id}' is reserved; pick another`);
  }
}
