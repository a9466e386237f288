import type { ExportFormatName } from './admin-client.js';

/**
 * Counts the records of an export file as its chunks stream in, for the progress line. A JSONL record ends at
 * each newline. A CSV record ends at a newline outside quotes (a quoted cell may hold newlines; an escaped quote
 * `""` toggles twice and so changes nothing), and the first record is the header.
 *
 * @example const counter = new ExportRecordCounter('csv'); counter.add('id\n"a\nb"\n'); counter.records // 1
 */
export class ExportRecordCounter {
  #lines = 0;
  #quoted = false;

  constructor(private readonly format: ExportFormatName) {}

  /** Counts the records ended in `chunk`. */
  add(chunk: string): void {
    for (let index = 0; index < chunk.length; index += 1) {
      const char = chunk.charCodeAt(index);
      if (char === QUOTE && this.format === 'csv') this.#quoted = !this.#quoted;
      else if (char === NEWLINE && !this.#quoted) this.#lines += 1;
    }
  }

  /** Records complete so far, header excluded. */
  get records(): number {
    return this.format === 'csv' ? Math.max(0, this.#lines - 1) : this.#lines;
  }
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
