import { SlipwayError } from '../core/errors.js';
import type { PromptVersion } from '../core/prompt.js';
import { describePromptSelector } from '../core/prompts/prompt-selector.js';
import type { PromptSelector } from '../core/prompts/prompt-selector.js';
import type { PromptRegistry } from '../ports/prompt-registry.js';

/** The label served when a caller names neither a label nor a version. */
const DEFAULT_LABEL = 'production';

export type ResolvePrompt = (name: string, selector?: PromptSelector) => Promise<PromptVersion>;

/**
 * Finds the version a label points at, or a version by number; the `production` label when no selector is given.
 * Throws `not_found` (param `prompt`) naming the prompt and the label or version.
 * @example const version = await resolvePrompt('support/triage', { label: 'staging' });
 */
export function makeResolvePrompt(deps: { registry: PromptRegistry }): ResolvePrompt {
  return async (name, selector = { label: DEFAULT_LABEL }) => {
    const version =
      'version' in selector
        ? await deps.registry.getVersion(name, { version: selector.version })
        : await deps.registry.getLabelled(name, selector.label);
    if (version !== null) return version;
    // Every prompt with a version has `latest`, so its labels tell an unknown prompt from an unknown label cheaply.
    const known = Object.keys(await deps.registry.getLabels(name)).length > 0;
    const message = known
      ? `Prompt "${name}" has no ${describePromptSelector(selector)}`
      : `No prompt named "${name}" (looked for ${describePromptSelector(selector)})`;
    throw new SlipwayError('not_found', message, { param: 'prompt' });
  };
}
