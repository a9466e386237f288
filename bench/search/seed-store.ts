import { performance } from 'node:perf_hooks';
import type { Store } from '../../src/ports/store.js';
import { seedInteraction, type SeedPlan } from './seed-interactions.js';

const BATCH = 1_000;
const PROGRESS_EVERY = 50_000;

export interface SeedFigures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Appends the seeded log through the store's real `appendInteractions`, in batches, reporting on stderr. */
export async function seedStore(store: Store, options: SeedPlan & { label: string }): Promise<SeedFigures> {
  const started = performance.now();
  for (let first = 0; first < options.rows; first += BATCH) {
    const batch = [];
    for (let index = first; index < Math.min(first + BATCH, options.rows); index++) {
      batch.push(seedInteraction(index, options));
    }
    await store.appendInteractions(batch);
    const done = first + batch.length;
    if (done % PROGRESS_EVERY === 0 || done === options.rows) {
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `${options.label}: seeded ${done}/${options.rows} (${Math.round(done / seconds)} rows/s)\n`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows: options.rows, seconds: round(seconds), rowsPerSecond: Math.round(options.rows / seconds) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
