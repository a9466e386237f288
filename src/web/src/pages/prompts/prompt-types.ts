/** The prompt API's response shapes, from the server's own types (type-only). */
import type { PromptLabelMove, PromptTestRun } from '../../../../core/prompt.js';
import type { PromptDiffView, PromptVersionView } from '../../../../http/prompt-views.js';
import type { PromptSummary } from '../../../../ports/prompt-registry.js';

export type { PromptDiffView, PromptLabelMove, PromptSummary, PromptTestRun, PromptVersionView };

/** `/api/prompts/<name>…`: the name keeps its slashes, each segment encoded. */
export function promptApiPath(name: string, suffix = ''): string {
  return `/api/prompts/${name.split('/').map(encodeURIComponent).join('/')}${suffix}`;
}
