import { decodeUtf8 } from './decode-utf8.js';
import type { FormatReader } from './format-reader.js';

/** Plain UTF-8 text, as it is. */
export const TEXT_FORMAT: FormatReader = {
  label: 'text',
  mediaType: 'text/plain',
  aliases: [],
  extensions: ['.txt', '.text'],
  read: (content) => Promise.resolve({ text: decodeUtf8(content), title: null }),
};
