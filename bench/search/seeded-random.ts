/** A small seeded generator (mulberry32), so that every run seeds the same log. */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  integer(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.integer(items.length)] as T;
  }

  /** Index i with probability ∝ 1/(i+1)^exponent: a few items common, a long tail rare, as words are. */
  zipfIndex(cumulative: Float64Array): number {
    const target = this.next() * (cumulative[cumulative.length - 1] ?? 0);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Log-normal around `median`: costs and latencies have long right tails. */
  logNormal(median: number, spread: number): number {
    const u = Math.max(this.next(), Number.EPSILON);
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
    return median * Math.exp(spread * normal);
  }
}

/** Running sums of 1/(i+1)^exponent for `SeededRandom.zipfIndex`. */
export function zipfWeights(count: number, exponent: number): Float64Array {
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let index = 0; index < count; index++) {
    total += 1 / (index + 1) ** exponent;
    cumulative[index] = total;
  }
  return cumulative;
}
