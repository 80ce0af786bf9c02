/** Seeded pseudo-random numbers; every random choice in the core goes through an `Rng`, never Math.random. */

/** A seeded source of uniform and normal variates. */
export interface Rng {
  /** Uniform on [0, 1) with 53 random bits. */
  next(): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
  /** Uniform integer in 0 … n−1. */
  int(n: number): number;
}

/** Mulberry32 generator seeded with `seed` (any integer; the same seed gives the same sequence). */
export function createRng(seed: number): Rng {
  // in a typed array, not a closure variable: a uint32 above 2³⁰ in a variable is boxed anew on every draw
  const state = Uint32Array.of((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  let spareNormal: number | undefined;

  /** One 32-bit output of mulberry32. */
  const next32 = (): number => {
    state[0] += 0x6d2b79f5; // wraps mod 2³² like the >>> 0 of the reference
    let t = state[0];
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };

  const next = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;

  const normal = (): number => {
    if (spareNormal !== undefined) {
      const z = spareNormal;
      spareNormal = undefined;
      return z;
    }
    let u = 0;
    while (u === 0) u = next(); // log(0) is −∞
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };

  return { next, normal, int: (n) => Math.floor(next() * n) };
}
