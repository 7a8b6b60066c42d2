import { AgentMintError } from './errors/agentMintError.ts';

// PostgreSQL's text and jsonb cannot hold U+0000, and jsonb refuses unpaired surrogates: such a
// string would fail in the store (503 STORE_UNAVAILABLE) instead of at the door (400).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** False for text no store can be trusted to keep: a NUL character or an unpaired surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

/** Throws BAD_REQUEST naming `field` when `value` is not storable text. */
export function assertStorableText(value: string | undefined, field: string): void {
  if (value !== undefined && !isStorableText(value)) {
    throw new AgentMintError(
      'BAD_REQUEST',
      `\`${field}\` contains a NUL character or an unpaired surrogate; send valid Unicode text`,
    );
  }
}
