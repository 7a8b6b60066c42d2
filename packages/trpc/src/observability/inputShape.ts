/**
 * The shape of a factory input for a span: its keys and value types, never the values, e.g.
 * `{"depth":"number","persona":"string"}`. Nested objects show their own shape, two levels deep.
 * Written straight to a string (once per factory run, so it stays off the profile).
 */
export function inputShape(value: unknown): string {
  return shapeOf(value, 2);
}

// Keys that JSON writes as they are (no escaping), the usual case: quoted without a stringify.
const PLAIN_KEY = /^[\w$-]*$/;

function shapeOf(value: unknown, depth: number): string {
  if (value === null) return '"null"';
  if (Array.isArray(value)) return '"array"';
  if (typeof value !== 'object') return `"${typeof value}"`;
  if (depth === 0) return '"object"';
  const keys = sortInPlace(Object.keys(value));
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) text += ',';
    const quoted = PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key);
    text += `${quoted}:${shapeOf((value as Record<string, unknown>)[key], depth - 1)}`;
  }
  return `${text}}`;
}

// An input has a handful of keys: an insertion sort in place, where Array#sort would allocate a
// work buffer per call (the same code-unit order). Many keys (a record input) take Array#sort.
function sortInPlace(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
