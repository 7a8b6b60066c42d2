import superjson, { type SuperJSONResult } from 'superjson';

/**
 * superjson on the wire, with a fast serializer for what AgentOS sends back (run records, events,
 * error shapes): trees of plain objects, arrays, strings, finite numbers, booleans, null, valid
 * Dates and `undefined`. For those it writes exactly superjson's output (same `json`, same
 * `meta.values` in the same order) in one pass, where `superjson.serialize` copies a path array
 * per node and tracks every object's identity; anything else (shared or circular references, Maps,
 * Sets, BigInts, NaN, -0, class instances, sparse arrays, risky keys) goes to superjson itself.
 */
export const wireTransformer = {
  serialize: serializeLikeSuperjson,
  deserialize: (payload: unknown) => superjson.deserialize(payload as SuperJSONResult),
};

type Annotations = Record<string, ['Date'] | ['undefined']>;

/** Thrown inside the walk when a value needs superjson itself; never escapes this module. */
const UNUSUAL = Symbol('unusual');

export function serializeLikeSuperjson(value: unknown): SuperJSONResult {
  if (!isPlainObject(value) && !Array.isArray(value)) return superjson.serialize(value);
  const annotations: Annotations = {};
  const seen = new Set<object>();
  let json: unknown;
  try {
    json = walk(value, '', annotations, seen);
  } catch (error) {
    if (error === UNUSUAL) return superjson.serialize(value);
    throw error;
  }
  return Object.keys(annotations).length === 0
    ? { json: json as SuperJSONResult['json'] }
    : { json: json as SuperJSONResult['json'], meta: { values: annotations, v: 1 } };
}

function walk(value: unknown, path: string, annotations: Annotations, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // NaN, ±Infinity and -0 carry a 'number' annotation (and NaN an identity) in superjson.
      if (!Number.isFinite(value) || Object.is(value, -0)) throw UNUSUAL;
      return value;
    case 'undefined':
      if (path === '') throw UNUSUAL;
      annotations[path] = ['undefined'];
      return null;
    case 'object': {
      if (value === null) return null;
      // superjson records every object met twice (shared or circular) as a referential equality.
      if (seen.has(value)) throw UNUSUAL;
      seen.add(value);
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw UNUSUAL;
        annotations[path] = ['Date'];
        return value.toISOString();
      }
      const prefix = path === '' ? '' : `${path}.`;
      if (Array.isArray(value)) {
        // Holes and extra own properties are walked differently by superjson (Object.entries).
        if (Object.keys(value).length !== value.length) throw UNUSUAL;
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          out[i] = walk(value[i], `${prefix}${i}`, annotations, seen);
        }
        return out;
      }
      if (!isPlainObject(value)) throw UNUSUAL;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw UNUSUAL;
        out[key] = walk(
          (value as Record<string, unknown>)[key],
          prefix + escapeKey(key),
          annotations,
          seen,
        );
      }
      return out;
    }
    default:
      // bigint, symbol, function.
      throw UNUSUAL;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** superjson's path escaping: `\` → `\\`, `.` → `\.`. */
function escapeKey(key: string): string {
  return key.includes('.') || key.includes('\\')
    ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.')
    : key;
}
