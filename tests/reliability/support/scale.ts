/**
 * Multiplies the suite's counts (runs, property-test cases). The default of 1 meets the issue's
 * figures; CI on a slow machine may lower it, a soak run may raise it: RELIABILITY_SCALE=4.
 */
export const SCALE: number = (() => {
  const raw = Number(process.env.RELIABILITY_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
})();

/** `count` scaled, never below `min`. */
export function scaled(count: number, min = 1): number {
  return Math.max(min, Math.round(count * SCALE));
}

/** A small deterministic generator (mulberry32) in [0, 1): a failing seed replays the same plan. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
