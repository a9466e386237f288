import { describe, expect, it } from 'vitest';
import { splitSentences, termsOf, textOf } from './text-analysis.js';

describe('text analysis', () => {
  it('splits sentences at end punctuation, paragraphs, list items and headings, joining wrapped lines', () => {
    const text =
      'Paris is the capital of France. It has about 2 million people! Is it big?\n' +
      'This line was\nwrapped by an editor.\n\n- first item\n- second item\n# Heading\nBody text, e.g. this one.';
    expect(splitSentences(text)).toEqual([
      'Paris is the capital of France.',
      'It has about 2 million people!',
      'Is it big?',
      'This line was wrapped by an editor.',
      '- first item',
      '- second item',
      '# Heading',
      'Body text, e.g. this one.',
    ]);
  });

  it('drops stopwords and brings inflections to one stem', () => {
    expect(termsOf('What are the opening hours? It opens, it opened.')).toEqual([
      'open',
      'hour',
      'open',
      'open',
    ]);
    expect(termsOf('cities city boxes box running run stored store')).toEqual([
      'city',
      'city',
      'box',
      'box',
      'run',
      'run',
      'stor',
      'stor',
    ]);
  });

  it('reads string content and text parts', () => {
    expect(textOf({ role: 'user', content: 'plain' })).toBe('plain');
    expect(
      textOf({
        role: 'user',
        content: [{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }],
      }),
    ).toBe('a\n\nb');
    expect(textOf({ role: 'assistant', content: null })).toBe('');
  });
});
