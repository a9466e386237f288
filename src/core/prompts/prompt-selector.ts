import { SlipwayError } from '../errors.js';
import { isLabelName } from './label-rules.js';

/** Which version of a prompt: the one a label points at, or a number. */
export type PromptSelector = { label: string } | { version: number };

/**
 * Reads a selector as people type it: digits are a version number, anything else a label name. Throws
 * `invalid_request` (param `param`) for neither.
 * @example parsePromptSelector('3') // { version: 3 }; parsePromptSelector('production') // { label: 'production' }
 */
export function parsePromptSelector(text: string, param = 'selector'): PromptSelector {
  const trimmed = text.trim();
  if (/^[0-9]+$/.test(trimmed)) {
    const version = Number(trimmed);
    if (Number.isSafeInteger(version) && version >= 1) return { version };
  } else if (isLabelName(trimmed)) {
    return { label: trimmed };
  }
  throw new SlipwayError(
    'invalid_request',
    `"${text}" is neither a version number (1, 2, ...) nor a label name (lowercase letters, digits, - and _)`,
    { param },
  );
}

/** How a selector reads in messages: `version 3` or `label "production"`. */
export function describePromptSelector(selector: PromptSelector): string {
  return 'version' in selector ? `version ${selector.version}` : `label "${selector.label}"`;
}
