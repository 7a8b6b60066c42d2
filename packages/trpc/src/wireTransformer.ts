import superjson, { type SuperJSONResult } from 'superjson';

/**
 * superjson on the wire, with a fast serializer for what AgentOS sends back (run records, events,
 * error shapes): trees of plain objects, arrays, strings, finite numbers, booleans, null, valid
 * Dates and `undefined`. For those it writes exactly superjson's output (same `json`, same
 * `meta.values` in the same order) in one pass, where `superjson.serialize` copies a path array
 * per node and tracks every object's identity; anything else (shared or circular references, Maps,
 * Sets, BigInts, NaN, -0, class instances, sparse arrays, risky keys) goes to superjson itself.
 * Input is superjson's, without its deep copy of plain JSON.
 */
export const wireTransformer = {
  serialize: serializeLikeSuperjson,
  deserialize: deserializeLikeSuperjson,
};

type Annotations = Record<string, ['Date'] | ['undefined']>;

/** Thrown inside the walk when a value needs superjson itself; never escapes this module. */
const UNUSUAL = Symbol('unusual');
export function serializeLikeSuperjson(value: unknown): SuperJSONResult {
  return serializeWith(value, true);
}

/**
 * The same result for `JSON.stringify` only, copying no more than it must: an object or array
 * is shared as it is unless something in it is written otherwise (a Date as its ISO string, an
 * `undefined` property as null), and then only it and its parents are copied. For an answer
 * stringified at once: `json` shares the caller's objects.
 */
export function serializeForText(value: unknown): SuperJSONResult {
  return serializeWith(value, false);
}

/** A transformer's `serialize` for text: the wire transformer's without its copy. */
export function textSerializer(
  serialize: (value: unknown) => unknown,
): (value: unknown) => unknown {
  return serialize === serializeLikeSuperjson ? serializeForText : serialize;
}

/**
 * superjson's `deserialize`: its copy of `json` only drops `__proto__` keys, so plain JSON without
 * annotations or such keys is handed on as it is (a parsed request body, owned by the call).
 */
export function deserializeLikeSuperjson(payload: unknown): unknown {
  const { json, meta } = payload as SuperJSONResult;
  if (meta === undefined && !hasProtoKey(json)) return json;
  return superjson.deserialize(payload as SuperJSONResult);
}

function serializeWith(value: unknown, copy: boolean): SuperJSONResult {
  if (!isPlainObject(value) && !Array.isArray(value)) return superjson.serialize(value);
  const annotations: Annotations = {};
  const seen = new Set<object>();
  let json: unknown;
  try {
    json = walk(value, '', '', { annotations, seen, copy });
  } catch (error) {
    if (error === UNUSUAL) return superjson.serialize(value);
    throw error;
  }
  return Object.keys(annotations).length === 0
    ? { json: json as SuperJSONResult['json'] }
    : { json: json as SuperJSONResult['json'], meta: { values: annotations, v: 1 } };
}

interface Walk {
  readonly annotations: Annotations;
  readonly seen: Set<object>;
  /** Copy every object and array; when false, only those holding a value written otherwise. */
  readonly copy: boolean;
}

/** `prefix` (the parent's path and a dot) and the escaped `key` make the path, built on use. */
function walk(value: unknown, prefix: string, key: string, state: Walk): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // NaN, ±Infinity and -0 carry a 'number' annotation (and NaN an identity) in superjson.
      if (!Number.isFinite(value) || Object.is(value, -0)) throw UNUSUAL;
      return value;
    case 'undefined': {
      const path = prefix + key;
      if (path === '') throw UNUSUAL;
      state.annotations[path] = ['undefined'];
      return null;
    }
    case 'object': {
      if (value === null) return null;
      // superjson records every object met twice (shared or circular) as a referential equality.
      if (state.seen.has(value)) throw UNUSUAL;
      state.seen.add(value);
      const path = prefix + key;
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw UNUSUAL;
        state.annotations[path] = ['Date'];
        return value.toISOString();
      }
      const inner = path === '' ? '' : `${path}.`;
      if (Array.isArray(value)) {
        // Holes and extra own properties are walked differently by superjson (Object.entries).
        if (Object.keys(value).length !== value.length) throw UNUSUAL;
        let out: unknown[] | undefined = state.copy ? new Array(value.length) : undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const written = walk(item, inner, String(i), state);
          if (written === item && !state.copy) continue;
          out ??= value.slice();
          out[i] = written;
        }
        return out ?? value;
      }
      if (!isPlainObject(value)) throw UNUSUAL;
      let out: Record<string, unknown> | undefined = state.copy ? {} : undefined;
      for (const name of Object.keys(value)) {
        if (name === '__proto__' || name === 'constructor' || name === 'prototype') throw UNUSUAL;
        const item = value[name];
        const written = walk(item, inner, escapeKey(name), state);
        if (written === item && !state.copy) continue;
        out ??= { ...value };
        out[name] = written;
      }
      return out ?? value;
    }
    default:
      // bigint, symbol, function.
      throw UNUSUAL;
  }
}

/**
 * Whether parsed JSON holds a `__proto__` key anywhere (superjson's copy drops those). A loop, not
 * recursion: a hostile body may nest thousands of levels (the factory's depth check answers it).
 */
function hasProtoKey(json: unknown): boolean {
  const pending: unknown[] = [json];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) return true;
    for (const key in value) pending.push((value as Record<string, unknown>)[key]);
  }
  return false;
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
