import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExportRecordCounter } from './export-record-counter.js';

describe('ExportRecordCounter', () => {
  it('counts JSONL lines across chunk boundaries', () => {
    const counter = new ExportRecordCounter('jsonl');
    counter.add('{"a":"x\\ny"}\n{"b"');
    expect(counter.records).toBe(1);
    counter.add(':1}\n');
    expect(counter.records).toBe(2);
  });

  it('counts CSV records whatever the cells hold, however the text is split', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r', ' ') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 4 })), fc.nat(), (rows, cut) => {
        const text = stringify(rows, { header: true, columns: ['a', 'b', 'c', 'd'] });
        const at = rows.length === 0 ? 0 : cut % text.length;
        const counter = new ExportRecordCounter('csv');
        counter.add(text.slice(0, at));
        counter.add(text.slice(at));
        expect(counter.records).toBe(rows.length);
      }),
    );
  });
});
