const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The bytes as UTF-8 text without a byte order mark; throws on bytes that are not UTF-8. */
export function decodeUtf8(content: Uint8Array): string {
  return decoder.decode(content).replace(/\r\n?/g, '\n');
}
