import { SlipwayError } from '../../core/errors.js';
import type { DocumentParser, DocumentSource } from '../../ports/document-parser.js';
import { DOCX_FORMAT } from './docx-format.js';
import type { FormatReader } from './format-reader.js';
import { HTML_FORMAT } from './html-format.js';
import { MARKDOWN_FORMAT } from './markdown-format.js';
import { PDF_FORMAT } from './pdf-format.js';
import { TEXT_FORMAT } from './text-format.js';

const READERS: readonly FormatReader[] = [TEXT_FORMAT, MARKDOWN_FORMAT, HTML_FORMAT, PDF_FORMAT, DOCX_FORMAT];

const SUPPORTED = READERS.map((reader) => `${reader.label} (${reader.extensions.join(', ')})`).join(', ');

/** The media type without parameters, or null when it says nothing (absent, or a generic binary type). */
function declaredType(mediaType: string | null): string | null {
  const type = mediaType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || type === 'application/octet-stream' ? null : type;
}

function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

function readerOf(source: Pick<DocumentSource, 'name' | 'mediaType'>): FormatReader {
  const type = declaredType(source.mediaType);
  const byType =
    type === null
      ? undefined
      : READERS.find((reader) => reader.mediaType === type || reader.aliases.includes(type));
  const extension = extensionOf(source.name);
  const reader = byType ?? READERS.find((candidate) => candidate.extensions.includes(extension));
  if (reader !== undefined) return reader;
  throw new SlipwayError(
    'invalid_request',
    `"${source.name}"${type === null ? '' : ` (${type})`} is not a supported document type; supported: ${SUPPORTED}.`,
    { param: 'file' },
  );
}

/**
 * The document parser over text, Markdown, HTML (html-to-text), PDF (pdfjs-dist) and DOCX (mammoth).
 * @example const { text } = await createDocumentParser().parse({ name: 'notes.md', mediaType: null, content });
 */
export function createDocumentParser(): DocumentParser {
  return {
    formats: READERS.map((reader) => ({ mediaType: reader.mediaType, extensions: reader.extensions })),
    mediaTypeOf: (source) => readerOf(source).mediaType,
    async parse(source) {
      const reader = readerOf(source);
      try {
        const { text, title } = await reader.read(source.content);
        return { mediaType: reader.mediaType, text, title };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new SlipwayError(
          'invalid_request',
          `Cannot read "${source.name}" as ${reader.label}: ${reason}`,
          {
            param: 'file',
            cause: error,
          },
        );
      }
    },
  };
}
