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
  const state: Walk = { annotations: undefined, seen: new SeenObjects(), keys: [], copy };
  let json: unknown;
  try {
    json = walk(value, state);
  } catch (error) {
    if (error === UNUSUAL) return superjson.serialize(value);
    throw error;
  }
  return state.annotations === undefined
    ? { json: json as SuperJSONResult['json'] }
    : { json: json as SuperJSONResult['json'], meta: { values: state.annotations, v: 1 } };
}

interface Walk {
  /** Made on the first annotation: most values (events) have none. */
  annotations: Annotations | undefined;
  readonly seen: SeenObjects;
  /** The keys from the root to the value walked now (raw); joined into a path only to annotate. */
  readonly keys: string[];
  /** Copy every object and array; when false, only those holding a value written otherwise. */
  readonly copy: boolean;
}

/** Records an annotation at the current path, superjson's dotted path of escaped keys. */
function annotate(state: Walk, annotation: ['Date'] | ['undefined']): string {
  const path =
    state.keys.length === 1
      ? escapeKey(state.keys[0] as string)
      : state.keys.map(escapeKey).join('.');
  state.annotations ??= {};
  state.annotations[path] = annotation;
  return path;
}

function walk(value: unknown, state: Walk): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // NaN, ±Infinity and -0 carry a 'number' annotation (and NaN an identity) in superjson.
      if (!Number.isFinite(value) || Object.is(value, -0)) throw UNUSUAL;
      return value;
    case 'undefined':
      // An `undefined` at the path '' (the key '') is left to superjson, as before.
      if (annotate(state, ['undefined']) === '') throw UNUSUAL;
      return null;
    case 'object': {
      if (value === null) return null;
      // superjson records every object met twice (shared or circular) as a referential equality.
      if (!state.seen.add(value)) throw UNUSUAL;
      if (value instanceof Date) {
        const time = value.getTime();
        if (Number.isNaN(time)) throw UNUSUAL;
        annotate(state, ['Date']);
        return isoString(time, value);
      }
      const { keys } = state;
      if (Array.isArray(value)) {
        // Holes and extra own properties are walked differently by superjson (Object.entries).
        if (Object.keys(value).length !== value.length) throw UNUSUAL;
        let out: unknown[] | undefined = state.copy ? new Array(value.length) : undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          keys.push(String(i));
          const written = walk(item, state);
          keys.pop();
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
        keys.push(name);
        const written = walk(item, state);
        keys.pop();
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

/** How many objects a walk keeps in a list before it switches to a Set (a record has a handful). */
const SEEN_LIST_MAX = 32;

/** The objects a walk has met: a short list scanned first (no hashing), a Set past that. */
class SeenObjects {
  #list: object[] = [];
  #set: Set<object> | undefined;

  /** Adds `value`; false when it was already there. */
  add(value: object): boolean {
    if (this.#set) {
      if (this.#set.has(value)) return false;
      this.#set.add(value);
      return true;
    }
    if (this.#list.includes(value)) return false;
    this.#list.push(value);
    if (this.#list.length > SEEN_LIST_MAX) this.#set = new Set(this.#list);
    return true;
  }
}

/** Milliseconds of 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: 4-digit years. */
const MIN_FOUR_DIGIT_YEAR = -62_167_219_200_000;
const MAX_FOUR_DIGIT_YEAR = 253_402_300_799_999;
const DAY_MS = 86_400_000;

/**
 * `date.toISOString()` written in JS from its time value: V8's builtin formats through its date
 * cache and was a third of the walk over a run record. Years outside 0–9999 (written with a sign
 * and six digits) are left to the builtin.
 */
export function isoString(time: number, date: Date): string {
  if (time < MIN_FOUR_DIGIT_YEAR || time > MAX_FOUR_DIGIT_YEAR) return date.toISOString();
  const days = Math.floor(time / DAY_MS);
  let ms = time - days * DAY_MS;
  // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1_000);
  ms -= seconds * 1_000;
  const yyyy =
    year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1_000 ? `0${year}` : `${year}`;
  const sss = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`;
  return `${yyyy}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${sss}Z`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
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
