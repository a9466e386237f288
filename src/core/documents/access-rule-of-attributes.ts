import { type AccessRule, parseAccessRule } from '../access/access-rule.js';
import type { ClassificationLevels } from '../access/classification-levels.js';
import { SlipwayError } from '../errors.js';
import { accessRuleOfAllowList } from './allow-list.js';
import type { VectorStoreFileAttributes } from './vector-store-file.js';

/** The attribute naming who may read a vector-store file: `everyone`, `user:<id>`, `group:<name>`, `role:<name>`, comma-separated. */
const ALLOW_ATTRIBUTE = 'slipway_allow';
/** The attribute naming a vector-store file's classification level. */
const CLASSIFICATION_ATTRIBUTE = 'slipway_classification';

function stringAttribute(attributes: VectorStoreFileAttributes, name: string): string | undefined {
  const value = attributes[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new SlipwayError('invalid_request', `The attribute ${name} must be a string.`, {
    param: `attributes.${name}`,
  });
}

/**
 * The access rule of a file added to a vector store through OpenAI's API, from Slipway's extension attributes
 * (`slipway_allow: "group:finance, role:auditor"`, `slipway_classification: "confidential"`). Without an allow
 * entry the rule names nobody, so the file is indexed but no end user can read it until an admin grants access
 * (`PUT /api/collections/{name}/documents/{file_id}/access`): an OpenAI client that knows nothing of Slipway must
 * not publish a document to everyone by omission. Errors are `invalid_request` naming the attribute.
 * @example accessRuleOfAttributes({ slipway_allow: 'group:finance' }, levels) // groups: ['finance']
 */
export function accessRuleOfAttributes(
  attributes: VectorStoreFileAttributes,
  levels: ClassificationLevels,
): AccessRule {
  const allow = stringAttribute(attributes, ALLOW_ATTRIBUTE) ?? '';
  const classification = stringAttribute(attributes, CLASSIFICATION_ATTRIBUTE)?.trim() || null;
  const entries = allow
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  try {
    if (entries.length > 0) return accessRuleOfAllowList(entries, classification, levels);
    if (classification !== null && !levels.includes(classification)) {
      throw new SlipwayError(
        'invalid_request',
        `Unknown classification "${classification}": expected one of ${levels.join(', ')}.`,
      );
    }
    return parseAccessRule({ classification });
  } catch (error) {
    if (!(error instanceof SlipwayError)) throw error;
    const param = error.param === 'allow' ? ALLOW_ATTRIBUTE : CLASSIFICATION_ATTRIBUTE;
    throw new SlipwayError('invalid_request', error.message, { param: `attributes.${param}` });
  }
}
