import { convert } from 'html-to-text';
import { decodeUtf8 } from './decode-utf8.js';
import type { FormatReader } from './format-reader.js';

const SKIPPED = ['script', 'style', 'noscript', 'template', 'head', 'img', 'svg', 'nav'];

const OPTIONS = {
  wordwrap: false as const,
  selectors: [
    ...SKIPPED.map((selector) => ({ selector, format: 'skip' })),
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
  ],
};

/** HTML as the text a reader sees (html-to-text), without scripts, styles or link targets; `<title>` as the title. */
export const HTML_FORMAT: FormatReader = {
  label: 'HTML',
  mediaType: 'text/html',
  aliases: ['application/xhtml+xml'],
  extensions: ['.html', '.htm', '.xhtml'],
  read(content) {
    const source = decodeUtf8(content);
    const titleMarkup = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(source)?.[1];
    const title = titleMarkup === undefined ? '' : convert(titleMarkup, { wordwrap: false }).trim();
    return Promise.resolve({ text: convert(source, OPTIONS).trim(), title: title === '' ? null : title });
  },
};
