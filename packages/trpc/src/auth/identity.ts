import type { TrustedContext } from '@agentmint/core';

/** Who a verified token says the caller is. */
export interface Identity {
  /** The JWT `sub` (a valid id; a malformed one is a 401), or undefined when the token has none. */
  readonly userId: string | undefined;
  /** Source `jwt`; claims are the verified payload, deeply frozen. */
  readonly trusted: TrustedContext;
}
