/**
 * The shape of a factory input for a span: its keys and value types, never the values, e.g.
 * `{"depth":"number","persona":"string"}`. Nested objects show their own shape, two levels deep.
 * Written straight to a string (once per factory run, so it stays off the profile).
 */
export function inputShape(value: unknown): string {
  return shapeOf(value, 2);
}

function shapeOf(value: unknown, depth: number): string {
  if (value === null) return '"null"';
  if (Array.isArray(value)) return '"array"';
  if (typeof value !== 'object') return `"${typeof value}"`;
  if (depth === 0) return '"object"';
  const keys = Object.keys(value).sort();
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) text += ',';
    text += `${JSON.stringify(key)}:${shapeOf((value as Record<string, unknown>)[key], depth - 1)}`;
  }
  return `${text}}`;
}
