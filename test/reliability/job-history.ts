/**
 * The history of one scenario, as Jepsen-style tests keep it: every job id accepted (its enqueue resolved) and
 * every effect committed (keyed by the job id, so a second delivery of a job adds no effect but is counted).
 */
export class JobHistory {
  readonly accepted = new Set<string>();
  readonly effects = new Set<string>();
  duplicateDeliveries = 0;
  /** When the last effect was committed (epoch ms). */
  lastEffectAt = 0;

  accept(ids: Iterable<string>): void {
    for (const id of ids) this.accepted.add(id);
  }

  /** Commits the effect of `id` once; a repeated delivery is counted, not applied. */
  commit(id: string): void {
    this.lastEffectAt = Date.now();
    if (this.effects.has(id)) this.duplicateDeliveries += 1;
    else this.effects.add(id);
  }

  /** Accepted ids with no effect (lost), and effects of ids never accepted (phantoms). */
  compare(): { lost: string[]; phantoms: string[] } {
    return {
      lost: [...this.accepted].filter((id) => !this.effects.has(id)),
      phantoms: [...this.effects].filter((id) => !this.accepted.has(id)),
    };
  }
}
