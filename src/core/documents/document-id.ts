const MAX_ID_LENGTH = 200;

/**
 * A document's id in its collection, from the name it was uploaded as (`reports/q3 2026.pdf` →
 * `reports-q3-2026.pdf`): letters, digits, `.`, `_` and `-`, so that it is safe in a URL path. Re-uploading the
 * same path gives the same id, which is how a changed file replaces its earlier version. Null when nothing of
 * the name is left.
 * @example documentIdOf('policies/Travel policy.md') // 'policies-Travel-policy.md'
 */
export function documentIdOf(sourceName: string): string | null {
  const id = sourceName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(-MAX_ID_LENGTH);
  return id === '' ? null : id;
}

/** True for an id `documentIdOf` could have made (used to check ids in request paths). */
export function isDocumentId(id: string): boolean {
  return id.length <= MAX_ID_LENGTH && /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(id);
}
