/**
 * The chaos run's only source of randomness: mulberry32 (Tommy Ettinger's 32-bit generator, the one
 * most JavaScript simulations use), seeded per actor. Not a library: it is ten lines, has no state
 * beyond one integer, and nothing on npm that the project already depends on offers a seedable
 * generator (Math.random cannot be seeded). Each actor (a shopper, a merchant, the fault scheduler)
 * draws from its own stream, derived from the run's seed and the actor's name, so one actor's draws do
 * not shift another's when timings differ: the same seed makes the same plan for every actor.
 */

/** mulberry32: a float in [0, 1) per call. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string: a 32-bit seed for a named stream. */
function hash32(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  /** A stream of the run's seed, named (`shopper-3`, `faults`...). */
  constructor(seed, stream = "") {
    this.next = mulberry32(hash32(`${seed}:${stream}`));
  }
  float() {
    return this.next();
  }
  /** An integer in [0, n). */
  int(n) {
    return Math.floor(this.next() * n);
  }
  /** An integer in [lo, hi]. */
  between(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }
  chance(p) {
    return this.next() < p;
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  /** A key of `weights` ({ name: weight }), with probability proportional to its weight. */
  weighted(weights) {
    const entries = Object.entries(weights).filter(([, w]) => w > 0);
    let x = this.next() * entries.reduce((n, [, w]) => n + w, 0);
    for (const [k, w] of entries) if ((x -= w) < 0) return k;
    return entries.at(-1)[0];
  }
  /** Letters and digits, `n` of them (ids that must be replayable: refund keys, e-mail addresses). */
  word(n) {
    const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let s = "";
    for (let i = 0; i < n; i++) s += abc[this.int(abc.length)];
    return s;
  }
}
