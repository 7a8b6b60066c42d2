// Random bytes for 1024 ids at a time: each refill has a fixed cost of some µs, so 128 ids (Node's
// randomUUID cache) spend ~30 ns per id on it, 1024 ids ~6 ns.
const POOL_IDS = 1024;
const pool = new Uint8Array(16 * POOL_IDS);
let offset = pool.length;

// ASCII codes of the high and low hex digit of every byte value.
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  const hex = byte.toString(16).padStart(2, '0');
  HIGH[byte] = hex.charCodeAt(0);
  LOW[byte] = hex.charCodeAt(1);
}
const DASH = 45;

// The time part of the last id and its counter (RFC 9562's rand_a as a 12-bit counter): ids made
// in one millisecond still sort in the order they were made.
let lastMs = 0;
let counter = 0;
const COUNTER_MAX = 0xfff;

/**
 * Ids for sessions, runs and tool calls: time-ordered (v7) UUIDs, safe to show clients (62 random
 * bits; the time part says when, as the records' `createdAt` already does). Ordered because ids are
 * B-tree keys in the stores: a random key puts every new run on a random index page, an ordered one
 * on the right edge that all concurrent runs share, so a commit writes a few pages instead of a few
 * per run. Built as one flat 36-character string: `crypto.randomUUID()` returns a tree of
 * concatenated pieces that keeps ~480 heap bytes alive per id, and every run holds its ids for as
 * long as it lives.
 */
export function newId(): string {
  if (offset === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    offset = 0;
  }
  const o = offset;
  offset += 16;
  const b = pool;
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (counter < COUNTER_MAX) {
    counter++; // same millisecond (or the clock went back): stay after the previous id
  } else {
    lastMs++; // 4,096 ids in one millisecond: borrow the next one
    counter = 0;
  }
  // 48-bit milliseconds, big-endian; bitwise operators only reach 32 bits, hence the split.
  const high = Math.floor(lastMs / 0x1000000);
  const low = lastMs % 0x1000000;
  b[o] = (high >>> 16) & 0xff;
  b[o + 1] = (high >>> 8) & 0xff;
  b[o + 2] = high & 0xff;
  b[o + 3] = (low >>> 16) & 0xff;
  b[o + 4] = (low >>> 8) & 0xff;
  b[o + 5] = low & 0xff;
  const version = 0x70 | (counter >>> 8);
  b[o + 7] = counter & 0xff;
  const variant = (b[o + 8]! & 0x3f) | 0x80;
  // One call with 36 arguments yields a flat string; the explicit arguments beat a loop + apply.
  // biome-ignore format: one line per UUID group reads better than one line per argument
  return String.fromCharCode(
    HIGH[b[o]!]!, LOW[b[o]!]!, HIGH[b[o + 1]!]!, LOW[b[o + 1]!]!,
    HIGH[b[o + 2]!]!, LOW[b[o + 2]!]!, HIGH[b[o + 3]!]!, LOW[b[o + 3]!]!, DASH,
    HIGH[b[o + 4]!]!, LOW[b[o + 4]!]!, HIGH[b[o + 5]!]!, LOW[b[o + 5]!]!, DASH,
    HIGH[version]!, LOW[version]!, HIGH[b[o + 7]!]!, LOW[b[o + 7]!]!, DASH,
    HIGH[variant]!, LOW[variant]!, HIGH[b[o + 9]!]!, LOW[b[o + 9]!]!, DASH,
    HIGH[b[o + 10]!]!, LOW[b[o + 10]!]!, HIGH[b[o + 11]!]!, LOW[b[o + 11]!]!,
    HIGH[b[o + 12]!]!, LOW[b[o + 12]!]!, HIGH[b[o + 13]!]!, LOW[b[o + 13]!]!,
    HIGH[b[o + 14]!]!, LOW[b[o + 14]!]!, HIGH[b[o + 15]!]!, LOW[b[o + 15]!]!,
  );
}
