import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDocumentParser } from './create-document-parser.js';
import { minimalPdf } from '../../../test/fixtures/documents/minimal-pdf.js';

const parser = createDocumentParser();
const utf8 = (text: string) => new TextEncoder().encode(text);
const DOCX = readFileSync(
  new URL('../../../test/fixtures/documents/quarterly-revenue.docx', import.meta.url),
);

describe('document parser', () => {
  it('reads plain text as it is, without a byte order mark and with \\n line ends', async () => {
    const parsed = await parser.parse({
      name: 'notes.txt',
      mediaType: null,
      content: utf8('\uFEFFOne\r\nTwo'),
    });
    expect(parsed).toEqual({ mediaType: 'text/plain', text: 'One\nTwo', title: null });
  });

  it('keeps Markdown headings as text and strips markup lightly', async () => {
    const markdown = [
      '# Travel policy',
      '',
      'Book **economy** class for flights under _six_ hours; see [the portal](https://example.com).',
      '',
      '## Hotels',
      '> Use `approved` hotels.',
      '![map](map.png)',
    ].join('\n');
    const parsed = await parser.parse({ name: 'travel.md', mediaType: null, content: utf8(markdown) });
    expect(parsed.mediaType).toBe('text/markdown');
    expect(parsed.title).toBe('Travel policy');
    expect(parsed.text).toBe(
      [
        'Travel policy',
        '',
        'Book economy class for flights under six hours; see the portal.',
        '',
        'Hotels',
        'Use approved hotels.',
        'map',
      ].join('\n'),
    );
  });

  it('reads HTML as visible text, skipping scripts and styles and link targets', async () => {
    const html =
      '<html><head><title>Expenses &amp; receipts</title><style>p{color:red}</style></head><body>' +
      '<h1>Expenses</h1><script>alert("x")</script><p>Keep <a href="https://x.example">receipts</a>.</p>' +
      '</body></html>';
    const parsed = await parser.parse({
      name: 'page',
      mediaType: 'text/html; charset=utf-8',
      content: utf8(html),
    });
    expect(parsed.title).toBe('Expenses & receipts');
    expect(parsed.text).toContain('Expenses');
    expect(parsed.text).toContain('Keep receipts.');
    expect(parsed.text).not.toMatch(/alert|color|x\.example/);
  });

  it('reads a PDF page by page with its title', async () => {
    const pdf = minimalPdf([['Revenue grew (strongly).', 'Costs fell.'], ['Page two text.']], 'Q3 report');
    const parsed = await parser.parse({ name: 'q3.pdf', mediaType: 'application/pdf', content: pdf });
    expect(parsed.mediaType).toBe('application/pdf');
    expect(parsed.title).toBe('Q3 report');
    const [first, second] = parsed.text.split('\n\n');
    expect(first?.replace(/\s+/g, ' ')).toBe('Revenue grew (strongly). Costs fell.');
    expect(second?.trim()).toBe('Page two text.');
  });

  it('leaves polyfills out of this thread after reading a PDF', async () => {
    // pdfjs's Node build runs core-js on the realm that loads it, replacing JSON.parse and Array.prototype.push
    // with slower JavaScript (whose toString still says "[native code]"): they slowed every gateway request.
    await parser.parse({ name: 'a.pdf', mediaType: null, content: minimalPdf([['Text.']], 'A') });
    expect(Object.getOwnPropertyNames(globalThis)).not.toContain('__core-js_shared__');
  });

  it("reads a DOCX file's paragraphs", async () => {
    const parsed = await parser.parse({ name: 'Quarterly.DOCX', mediaType: null, content: DOCX });
    expect(parsed.mediaType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(parsed.text).toBe('Quarterly revenue\n\nRevenue grew by twelve percent in the third quarter.');
  });

  it('names the supported types for an unknown one', async () => {
    await expect(
      parser.parse({ name: 'image.png', mediaType: 'image/png', content: new Uint8Array([1]) }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/"image\.png" \(image\/png\).*PDF \(\.pdf\).*DOCX \(\.docx\)/) as string,
    });
    expect(() => parser.mediaTypeOf({ name: 'archive', mediaType: null })).toThrow(/not a supported/);
    expect(parser.mediaTypeOf({ name: 'a.HTM', mediaType: 'application/octet-stream' })).toBe('text/html');
  });

  it('refuses corrupt files with invalid_request naming the file, never a crash', async () => {
    const garbage = new Uint8Array([0x50, 0x4b, 3, 4, 0xff, 0xfe, 0, 1, 2, 3]);
    for (const name of ['broken.pdf', 'broken.docx', 'broken.txt']) {
      await expect(parser.parse({ name, mediaType: null, content: garbage })).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'file',
        message: expect.stringContaining(`"${name}"`) as string,
      });
    }
    const truncated = minimalPdf([['Hello']]).slice(0, 60);
    await expect(
      parser.parse({ name: 'cut.pdf', mediaType: null, content: truncated }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});
