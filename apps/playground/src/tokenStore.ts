/** The pasted JWT, kept in localStorage so a reload stays signed in. */
const KEY = 'agentmint.playground.token';
const listeners = new Set<() => void>();

export const tokenStore = {
  get: (): string => window.localStorage.getItem(KEY) ?? '',
  set(token: string): void {
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    if (trimmed) window.localStorage.setItem(KEY, trimmed);
    else window.localStorage.removeItem(KEY);
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The `sub` claim of a JWT (decoded, not verified: the server verifies), or an explanation. */
export function tokenSubject(token: string): { sub: string } | { problem: string } {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload)
    return { problem: 'not a JWT (header.payload.signature)' };
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { sub?: unknown };
    return typeof claims.sub === 'string'
      ? { sub: claims.sub }
      : { problem: 'the token has no sub claim' };
  } catch {
    return { problem: 'the payload is not base64url JSON' };
  }
}
