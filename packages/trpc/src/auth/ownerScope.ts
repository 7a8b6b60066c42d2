import type { OwnerScope } from '@agentmint/core';
import { isAdmin } from './authorization.ts';
import type { Identity } from './identity.ts';

/**
 * The rows a caller may see under user isolation: undefined (all) when isolation is off or the
 * caller is admin, else only rows owned by its `sub` (a token without `sub` owns the user-less rows).
 */
export function ownerScopeFor(
  identity: Identity,
  options: { readonly userIsolation: boolean; readonly adminScope: string },
): OwnerScope {
  if (!options.userIsolation || isAdmin(identity.trusted, { authorization: true, ...options })) {
    return undefined;
  }
  return Object.freeze({ userId: identity.userId ?? null });
}
