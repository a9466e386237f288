import { SlipwayError } from '../core/errors.js';
import type { InteractionTags } from '../core/interaction.js';
import type { PromptDefinition, PromptMessage, PromptVersion } from '../core/prompt.js';

/** A chat request's `prompt` field: which version of which prompt, and the variables to render it with. */
export interface PromptReference {
  name: string;
  /** At most one of `label` and `version`; neither means the `production` label. */
  label?: string;
  version?: number;
  variables: Record<string, unknown>;
}

/** The label served when a reference names neither a label nor a version. */
const DEFAULT_LABEL = 'production';

export interface ExpandPromptReferenceDeps {
  /** The version a label or number points at; throws `not_found` when there is none. */
  resolve(name: string, selector: { label: string } | { version: number }): Promise<PromptVersion>;
  /** The definition's messages rendered with `variables`; throws `invalid_request` for missing or mistyped ones. */
  render(definition: PromptDefinition, variables: Record<string, unknown>): PromptMessage[];
}

/** A chat-completions body with the prompt rendered into it, and what the interaction is tagged with. */
interface ExpandedChatBody {
  body: Record<string, unknown>;
  tags: InteractionTags;
}

/** Expands a chat body's prompt reference; `body` is the request without its `prompt` field. */
export type ExpandPromptReference = (
  reference: PromptReference,
  body: Readonly<Record<string, unknown>>,
) => Promise<ExpandedChatBody>;

function withParam(error: unknown, code: 'not_found' | 'invalid_request', param: string): unknown {
  if (!(error instanceof SlipwayError) || error.code !== code) return error;
  return new SlipwayError(code, error.message, { param, cause: error });
}

/**
 * Turns a chat request that names a prompt into the request the upstream sees: the prompt's rendered messages
 * first, then any messages the client sent; the prompt's model and parameters unless the request sets its own.
 * Errors name the field at fault: `prompt` for an unknown prompt, label or version, `prompt.variables` for
 * variables that do not fit the prompt's schema.
 * @example const { body, tags } = await expand({ name: 'support/triage', variables: { ticket } }, { messages: [] });
 */
export function makeExpandPromptReference(deps: ExpandPromptReferenceDeps): ExpandPromptReference {
  return async (reference, body) => {
    const selector =
      reference.version === undefined
        ? { label: reference.label ?? DEFAULT_LABEL }
        : { version: reference.version };
    const version = await deps.resolve(reference.name, selector).catch((error: unknown) => {
      throw withParam(error, 'not_found', 'prompt');
    });
    const { definition } = version;
    let rendered: PromptMessage[];
    try {
      rendered = deps.render(definition, reference.variables);
    } catch (error) {
      throw withParam(error, 'invalid_request', 'prompt.variables');
    }
    const sent = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
    return {
      body: {
        model: definition.model,
        ...definition.parameters,
        ...body,
        messages: [...rendered, ...sent],
      },
      tags: { promptName: version.name, promptVersion: version.version },
    };
  };
}
