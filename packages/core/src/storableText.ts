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

/** Longest user, session or run id a store must keep (the SQL stores' id columns). */
export const MAX_ID_LENGTH = 255;

/** True for an id every store can keep and find: storable text of at most MAX_ID_LENGTH. */
export function isStorableId(value: string): boolean {
  return value.length > 0 && value.length <= MAX_ID_LENGTH && isStorableText(value);
}

/** Throws BAD_REQUEST naming `field` when `value` is not a storable id. */
export function assertStorableId(value: string | undefined, field: string): void {
  if (value !== undefined && !isStorableId(value)) {
    throw new AgentMintError(
      'BAD_REQUEST',
      `\`${field}\` must be 1 to ${MAX_ID_LENGTH} characters of valid Unicode text without NUL`,
    );
  }
}
