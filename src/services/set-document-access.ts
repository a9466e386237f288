import type { AccessRule } from '../core/access/access-rule.js';
import { accessRuleOfAllowList, allowListOf } from '../core/documents/allow-list.js';
import { SlipwayError } from '../core/errors.js';
import type { IngestionActor } from '../ports/document-catalog.js';
import type { DocumentsDeps } from './documents-deps.js';

export interface SetDocumentAccessInput {
  collection: string;
  documentId: string;
  allow: readonly string[];
  classification: string | null;
  actor: IngestionActor;
}

/**
 * Changes who may read a document, without re-embedding it. Only admins may (the edges ask for the `manage`
 * permission, and this checks the role again so that no other caller can skip it). The vector index, whose copy
 * of the rule every search enforces, is changed first; then the catalog's display copy; then the change is
 * audited `document.access_change` with the rule before and after. Should the catalog write fail after the index
 * changed, searches already follow the new rule and repeating the call brings the catalog in line.
 * @example await setDocumentAccess({ collection: 'handbook', documentId: 'travel.md', allow: ['group:finance'], classification: null, actor });
 */
export function makeSetDocumentAccess(
  deps: Pick<DocumentsDeps, 'catalog' | 'index' | 'recordAudit' | 'settings'>,
) {
  return async function setDocumentAccess(input: SetDocumentAccessInput): Promise<AccessRule> {
    if (input.actor.role !== 'admin') {
      throw new SlipwayError(
        'forbidden',
        `The ${input.actor.role} role may not change who may read documents.`,
      );
    }
    const rule = accessRuleOfAllowList(input.allow, input.classification, deps.settings.levels);
    const document = await deps.catalog.getDocument(input.collection, input.documentId);
    if (document === null) {
      throw new SlipwayError(
        'not_found',
        `No document "${input.documentId}" in collection "${input.collection}".`,
      );
    }
    await deps.index.setAccessRule({ collection: input.collection, documentId: input.documentId }, rule);
    await deps.catalog.setDocumentRule(input.collection, input.documentId, rule);
    await deps.recordAudit({
      actor: input.actor,
      action: 'document.access_change',
      target: `${input.collection}/${input.documentId}`,
      detail: {
        from: { allow: allowListOf(document.rule), classification: document.rule.classification },
        to: { allow: allowListOf(rule), classification: rule.classification },
      },
    });
    return rule;
  };
}

export type SetDocumentAccess = ReturnType<typeof makeSetDocumentAccess>;
