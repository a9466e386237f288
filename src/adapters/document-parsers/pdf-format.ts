import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { FormatReader } from './format-reader.js';

interface TextItem {
  str: string;
  hasEOL: boolean;
}

const isTextItem = (item: unknown): item is TextItem =>
  typeof item === 'object' && item !== null && 'str' in item && typeof item.str === 'string';

/** The text of a PDF, page by page (pdfjs-dist, text layer only: no rendering), pages separated by blank lines. */
export const PDF_FORMAT: FormatReader = {
  label: 'PDF',
  mediaType: 'application/pdf',
  aliases: [],
  extensions: ['.pdf'],
  async read(content) {
    // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy.
    const loading = getDocument({
      data: new Uint8Array(content),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    });
    const pdf = await loading.promise;
    try {
      const pages: string[] = [];
      for (let number = 1; number <= pdf.numPages; number += 1) {
        const page = await pdf.getPage(number);
        const { items } = await page.getTextContent();
        let text = '';
        for (const item of items) {
          if (!isTextItem(item)) continue;
          text += item.str + (item.hasEOL ? '\n' : '');
        }
        page.cleanup();
        if (text.trim() !== '') pages.push(text.trim());
      }
      const { info } = (await pdf.getMetadata()) as { info: { Title?: unknown } };
      const title = typeof info.Title === 'string' && info.Title.trim() !== '' ? info.Title.trim() : null;
      return { text: pages.join('\n\n'), title };
    } finally {
      await loading.destroy();
    }
  },
};
