import type { ChatMessage } from '../../../core/chat.js';

// Function words that carry no topic; question words included, since every question has them.
const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing done down during each few for from further had has have having he ' +
    'her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor ' +
    'not now of off on once only or other our ours ourselves out over own same she should so some such than that ' +
    'the their theirs them themselves then there these they this those through to too under until up very was ' +
    'we were what when where which while who whom whose why will with would you your yours yourself yourselves ' +
    'tell please know let us may might must shall also yes ok okay hi hello thanks thank'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;
const DOUBLE_CONSONANT = /([^aeiouylsz])\1$/;

/**
 * A light suffix-stripping stemmer (a small subset of Porter's rules) so that "opens", "opened" and "opening"
 * meet; it over-stems a little, which matters less here than missing a match.
 */
function stem(word: string): string {
  if (word.length <= 3) return word;
  let base = word;
  if (base.endsWith('ies') && base.length > 4) base = `${base.slice(0, -3)}y`;
  else if (base.endsWith('sses')) base = base.slice(0, -2);
  else if (base.endsWith('ing') && base.length > 5) base = base.slice(0, -3);
  else if (base.endsWith('ed') && base.length > 4) base = base.slice(0, -2);
  else if (/(?:x|ch|sh|ss|z)es$/.test(base)) base = base.slice(0, -2);
  else if (base.endsWith('s') && !/(?:ss|us|is)$/.test(base)) base = base.slice(0, -1);
  else if (base.endsWith('ly') && base.length > 5) base = base.slice(0, -2);
  if (DOUBLE_CONSONANT.test(base)) base = base.slice(0, -1);
  if (base.endsWith('e') && base.length > 4) base = base.slice(0, -1);
  return base;
}

/** The lower-cased words of a text, in order. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The stems of the topic words of a text (stopwords left out), in order, repeats kept. */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const word of wordsOf(text)) {
    if (!STOPWORDS.has(word)) terms.push(stem(word));
  }
  return terms;
}

// Paragraphs end at blank lines; list items and Markdown headings stand alone even without blank lines.
const PARAGRAPH_BREAK =
  /\r?\n[ \t]*\r?\n|\r?\n(?=[ \t]*(?:[-*•+]|\d+[.)]|#{1,6})[ \t])|(?<=(?:^|\n)[ \t]*#{1,6}[ \t][^\n]*)\r?\n/;
// A sentence ends at . ! ? (or a CJK full stop) followed by space and something that can start a sentence.
const SENTENCE_BREAK = /(?<=[.!?。！？]["'”’)\]]?)\s+(?=[\p{Lu}\p{N}"'“‘([])/u;

/** Splits a text into trimmed sentences; hard-wrapped lines inside a paragraph are joined first. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(PARAGRAPH_BREAK)) {
    const flat = paragraph.replace(/\s+/g, ' ').trim();
    if (flat.length === 0) continue;
    for (const sentence of flat.split(SENTENCE_BREAK)) {
      const trimmed = sentence.trim();
      if (trimmed.length > 0) sentences.push(trimmed);
    }
  }
  return sentences;
}

/** The text of a message: its string content, or its text parts joined by blank lines. */
export function textOf(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n\n');
}
