/** The `/v1/files` purposes whose files are documents kept as bytes, for vector stores. */
export type DocumentFilePurpose = 'assistants' | 'user_data';

/** True for a purpose whose file is a document (`assistants`, `user_data`), as opposed to batch JSONL. */
export function isDocumentFilePurpose(purpose: string): purpose is DocumentFilePurpose {
  return purpose === 'assistants' || purpose === 'user_data';
}
