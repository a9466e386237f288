/**
 * Runs in a worker thread started by `pdf-format.ts`: reads the text layer of one PDF and posts it back.
 *
 * pdfjs-dist's Node (legacy) build installs core-js polyfills on the realm that loads it, among them a JavaScript
 * `JSON.parse` and `Array.prototype.push` (Node 20 lacks JSON.parse-with-source and lets a frozen length be
 * set). Loaded in the main thread they slowed every request body parse and array push of the gateway; a worker
 * has a realm of its own, so the polyfills stay here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfText {
  text: string;
  title: string | null;
}

export type PdfWorkerReply = { ok: true; value: PdfText } | { ok: false; message: string };

interface TextItem {
  str: string;
  hasEOL: boolean;
}

const isTextItem = (item: unknown): item is TextItem =>
  typeof item === 'object' && item !== null && 'str' in item && typeof item.str === 'string';

async function readPdf(content: Uint8Array): Promise<PdfText> {
  const loading = getDocument({
    data: content,
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
}

const port = parentPort;
if (port) {
  readPdf(workerData as Uint8Array).then(
    (value) => port.postMessage({ ok: true, value } satisfies PdfWorkerReply),
    (error: unknown) =>
      port.postMessage({
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      } satisfies PdfWorkerReply),
  );
}
