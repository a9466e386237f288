/** What a format reader finds in a file: its text, and a title when the format has one. */
interface ReadText {
  text: string;
  title: string | null;
}

/** One format: its media type, its extensions, and how its bytes become text (throwing on a corrupt file). */
export interface FormatReader {
  /** A name for messages: `PDF`. */
  label: string;
  mediaType: string;
  /** Other media types that mean the same format. */
  aliases: readonly string[];
  extensions: readonly string[];
  read(content: Uint8Array): Promise<ReadText>;
}
