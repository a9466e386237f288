import mammoth from 'mammoth';
import type { FormatReader } from './format-reader.js';

/** A Word document's raw text (mammoth): paragraphs separated by blank lines, formatting and images dropped. */
export const DOCX_FORMAT: FormatReader = {
  label: 'DOCX',
  mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  aliases: [],
  extensions: ['.docx'],
  async read(content) {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(content) });
    return { text: result.value.replace(/\n{3,}/g, '\n\n').trim(), title: null };
  },
};
