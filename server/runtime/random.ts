import { randomInt } from 'node:crypto';

/** A source of random numbers in [0, 1): injected wherever a choice must be replayable. */
export type Random = () => number;

/**
 * A seeded generator (mulberry32): the same seed gives the same sequence on every machine and in
 * every time zone. For simulations and tests; production draws from node:crypto instead.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [min, max], from `random`. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Random numbers from the operating system: for surprise drill moments in production. */
export const cryptoRandom: Random = () => randomInt(2 ** 47) / 2 ** 47;
