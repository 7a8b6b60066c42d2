/**
 * The shape of a factory input for a span: its keys and value types, never the values, e.g.
 * `{"depth":"number","persona":"string"}`. Nested objects show their own shape, two levels deep.
 */
export function inputShape(value: unknown): string {
  return JSON.stringify(shapeOf(value, 2));
}

function shapeOf(value: unknown, depth: number): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value !== 'object') return typeof value;
  if (depth === 0) return 'object';
  const shape: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    shape[key] = shapeOf((value as Record<string, unknown>)[key], depth - 1);
  }
  return shape;
}
