// PostgreSQL's text and jsonb cannot hold U+0000, and jsonb refuses unpaired surrogates. Input is
// checked at the door (core refuses it with 400), but model and tool output may carry such
// characters too (a tool reading a binary file); they become U+FFFD here so the run is recorded.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// How JSON.stringify writes those characters: \u0000 and lone \udXXX escapes.
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f]/i;

/** `value` with every character PostgreSQL cannot store replaced by U+FFFD. */
export function pgText<T extends string | null>(value: T): T {
  return (
    value === null ? value : value.replaceAll('\u0000', '\ufffd').replace(LONE_SURROGATE, '\ufffd')
  ) as T;
}

/**
 * JSON text for a jsonb parameter. The common case costs one scan of the text; only JSON that
 * holds an unstorable character is rebuilt, with its strings and keys cleaned.
 */
export function pgJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const json = JSON.stringify(value);
  if (!UNSTORABLE_ESCAPE.test(json)) return json;
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return pgText(item);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).map(([key, child]) => [pgText(key), child]));
  });
}
