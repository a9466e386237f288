/**
 * The facts of an audit event the log indexes for filtering, read from its detail by one rule shared by every
 * store: `detail.endUser` (a string) is the end user the event is about, `detail.documents` (strings) the
 * documents it touched. Anything else in those fields is ignored, never guessed at.
 * @example auditIndexTermsOf({ endUser: 'u-42', documents: ['doc_1'] }) // { subject: 'u-42', documents: ['doc_1'] }
 */
export function auditIndexTermsOf(detail: Record<string, unknown>): {
  subject: string | null;
  documents: string[];
} {
  const subject = typeof detail.endUser === 'string' && detail.endUser !== '' ? detail.endUser : null;
  const listed = Array.isArray(detail.documents) ? (detail.documents as unknown[]) : [];
  const documents = [...new Set(listed.filter((id): id is string => typeof id === 'string' && id !== ''))];
  return { subject, documents };
}
