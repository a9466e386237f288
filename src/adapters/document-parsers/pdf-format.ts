import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FormatReader } from './format-reader.js';
import type { PdfText, PdfWorkerReply } from './pdf-text-worker.js';

// Compiled, the worker is the .js file beside this one. Under tsx or Vitest it is the .ts source, which the worker
// loads after registering tsx itself: a worker's execArgv cannot carry `--import tsx`.
const RUNS_FROM_SOURCE = fileURLToPath(import.meta.url).endsWith('.ts');
const WORKER_URL = new URL(`./pdf-text-worker.${RUNS_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
const WORKER_SOURCE = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;

/**
 * One worker thread per PDF (see pdf-text-worker.ts for why pdfjs must not load in the main thread). Starting one
 * costs about as much as loading pdfjs, which a PDF's parse dwarfs, and a worker that ends with its PDF leaves
 * nothing to close.
 */
function readInWorker(content: Uint8Array): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    // The worker takes the copy (pdfjs detaches the buffer it is given), never the caller's bytes.
    const copy = new Uint8Array(content);
    const options = { workerData: copy, transferList: [copy.buffer] };
    const worker = RUNS_FROM_SOURCE
      ? new Worker(WORKER_SOURCE, { ...options, eval: true })
      : new Worker(WORKER_URL, options);
    let settled = false;
    worker.once('message', (reply: PdfWorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.value);
      else reject(new Error(reply.message));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the PDF reader stopped (exit code ${code}) before answering`));
    });
  });
}

/** The text of a PDF, page by page (pdfjs-dist, text layer only: no rendering), pages separated by blank lines. */
export const PDF_FORMAT: FormatReader = {
  label: 'PDF',
  mediaType: 'application/pdf',
  aliases: [],
  extensions: ['.pdf'],
  read: readInWorker,
};
