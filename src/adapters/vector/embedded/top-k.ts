/**
 * The k best (label, score) pairs seen so far. Most candidates of a scan lose to the current worst, so that
 * comparison is the hot path; replacing the worst rescans k entries, which is cheap for the k a search asks for.
 */
export class TopK {
  readonly #labels: Int32Array;
  readonly #scores: Float64Array;
  #count = 0;
  #worst = 0;

  constructor(readonly k: number) {
    this.#labels = new Int32Array(k);
    this.#scores = new Float64Array(k);
  }

  offer(label: number, score: number): void {
    if (this.#count < this.k) {
      this.#labels[this.#count] = label;
      this.#scores[this.#count] = score;
      this.#count += 1;
      if (this.#count === this.k) this.#findWorst();
      return;
    }
    if (score <= (this.#scores[this.#worst] ?? Number.POSITIVE_INFINITY)) return;
    this.#labels[this.#worst] = label;
    this.#scores[this.#worst] = score;
    this.#findWorst();
  }

  /** Best first. */
  sorted(): { label: number; score: number }[] {
    const entries: { label: number; score: number }[] = [];
    for (let index = 0; index < this.#count; index += 1) {
      entries.push({ label: this.#labels[index] ?? 0, score: this.#scores[index] ?? 0 });
    }
    return entries.sort((left, right) => right.score - left.score || left.label - right.label);
  }

  #findWorst(): void {
    let worst = 0;
    for (let index = 1; index < this.#count; index += 1) {
      if ((this.#scores[index] ?? 0) < (this.#scores[worst] ?? 0)) worst = index;
    }
    this.#worst = worst;
  }
}
