import type { InteractionTags } from '../core/interaction.js';
import type { ExpandPromptReference } from '../services/expand-prompt-reference.js';
import { assertJsonDepth } from './json-depth.js';
import { parsePromptReference } from './prompt-schemas.js';

/**
 * A chat-completions body with its `prompt` reference expanded (rendered messages, the prompt's model and
 * parameters), or the body as it came when it has none. The `prompt` field never reaches the upstream.
 * @example const { body, tags } = await expandChatBody(request.body, deps.prompts.expandReference);
 */
export async function expandChatBody(
  body: unknown,
  expand: ExpandPromptReference,
): Promise<{ body: unknown; tags?: InteractionTags }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('prompt' in body)) {
    return { body };
  }
  // Variables are client JSON like the rest of the body: held to the same depth before anything walks them.
  assertJsonDepth(body);
  const { prompt, ...rest } = body as Record<string, unknown>;
  return expand(parsePromptReference(prompt), rest);
}
