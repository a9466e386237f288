import type { Random } from '../ports/random.js';

/** A file id as OpenAI spells them (`file-…`), sortable like every Slipway id. */
export function newFileId(random: Random): string {
  return `file-${random.id('f').slice(2)}`;
}
