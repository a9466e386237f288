import { decodeUtf8 } from './decode-utf8.js';
import type { FormatReader } from './format-reader.js';

// Light stripping: the words a reader sees stay (headings, link and image text, code), the markup that would
// only add noise tokens to every chunk goes. Headings are kept as lines of text: they say what a section is about.
const REPLACEMENTS: ReadonlyArray<[RegExp, string]> = [
  [/^```[^\n]*$/gm, ''],
  [/^~~~[^\n]*$/gm, ''],
  [/^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/gm, '$2'],
  [/^[ \t]*>[ \t]?/gm, ''],
  [/!\[([^\]]*)\]\([^)]*\)/g, '$1'],
  [/\[([^\]]+)\]\([^)]*\)/g, '$1'],
  [/^\[[^\]]+\]:\s+\S+.*$/gm, ''],
  [/<\/?[A-Za-z][^>]*>/g, ''],
  [/(\*\*|__)(?=\S)([^\n]*?\S)\1/g, '$2'],
  [/(\*|_)(?=\S)([^\n*_]*?\S)\1/g, '$2'],
  [/`([^`\n]+)`/g, '$1'],
  [/^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$/gm, ''],
];

/** Markdown as text: markup stripped lightly, the first top-level heading as the title. */
export const MARKDOWN_FORMAT: FormatReader = {
  label: 'Markdown',
  mediaType: 'text/markdown',
  aliases: ['text/x-markdown'],
  extensions: ['.md', '.markdown'],
  read(content) {
    const source = decodeUtf8(content);
    const title = /^#[ \t]+(.+?)[ \t]*#*[ \t]*$/m.exec(source)?.[1] ?? null;
    let text = source;
    for (const [pattern, replacement] of REPLACEMENTS) text = text.replace(pattern, replacement);
    return Promise.resolve({ text: text.replace(/\n{3,}/g, '\n\n').trim(), title });
  },
};
