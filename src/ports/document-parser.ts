/** An uploaded file, as the parser receives it. */
export interface DocumentSource {
  /** The file name it was uploaded as; its extension names the format when the media type does not. */
  name: string;
  /** The declared media type, when there is a useful one (not `application/octet-stream`). */
  mediaType: string | null;
  content: Uint8Array;
}

/** A document's plain text, ready to chunk. */
interface ParsedDocument {
  /** The canonical media type it was read as, e.g. `application/pdf`. */
  mediaType: string;
  /** Paragraphs separated by blank lines; PDF pages likewise. */
  text: string;
  /** A title found in the document (an HTML `<title>`, a Markdown top heading), else null. */
  title: string | null;
}

/** One format a parser reads. */
interface DocumentFormat {
  mediaType: string;
  /** Lower case, with the dot: `.md`. */
  extensions: readonly string[];
}

/**
 * Turns uploaded files into text.
 *
 * Contract: the format is the declared media type when it is a supported one, else the file name's extension; a
 * file of neither is `invalid_request` naming the supported formats. A file that cannot be read as its format
 * (a corrupt PDF, a DOCX that is not a zip) is `invalid_request` naming the file, never a crash. Parsing is pure:
 * the same bytes give the same text.
 * @example const { text, mediaType } = await parser.parse({ name: 'q3.pdf', mediaType: null, content });
 */
export interface DocumentParser {
  readonly formats: readonly DocumentFormat[];
  /** The canonical media type the source would be parsed as; throws as `parse` does for an unknown format. */
  mediaTypeOf(source: Pick<DocumentSource, 'name' | 'mediaType'>): string;
  parse(source: DocumentSource): Promise<ParsedDocument>;
}
