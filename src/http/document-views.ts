import type { DocumentRecord } from '../core/documents/document.js';
import { allowListOf } from '../core/documents/allow-list.js';

/** A document as the admin API shows it: the rule as allow entries and a classification. */
export function documentViewOf(document: DocumentRecord) {
  const { rule, ...rest } = document;
  return { ...rest, allow: allowListOf(rule), classification: rule.classification };
}

export type DocumentView = ReturnType<typeof documentViewOf>;
