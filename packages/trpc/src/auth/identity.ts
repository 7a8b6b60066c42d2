import type { TrustedContext } from '@agentmint/core';

/** Who a verified token says the caller is. */
export interface Identity {
  /** The JWT `sub`, when it is a non-empty string. */
  readonly userId: string | undefined;
  /** Source `jwt`; claims are the verified payload, deeply frozen. */
  readonly trusted: TrustedContext;
}
