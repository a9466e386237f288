import { SlipwayError } from '../core/errors.js';
import type { PromptLabelMove } from '../core/prompt.js';
import type { PromptRegistry } from '../ports/prompt-registry.js';
import type { MovePromptLabel } from './move-prompt-label.js';
import type { PromptActor } from './prompt-actor.js';

interface RollbackPromptLabelInput {
  name: string;
  label: string;
  actor: PromptActor;
  reason?: string | null;
}

export type RollbackPromptLabel = (input: RollbackPromptLabelInput) => Promise<PromptLabelMove>;

/**
 * Moves a label back to the version it pointed at before its last move, in one step, recorded as a `rollback`
 * move through `moveLabel` (same role rules, same audit). Rolling back twice undoes the rollback. Throws `conflict`
 * when the label has no previous version (never moved, or first set by its last move).
 * @example await rollback({ name: 'support/triage', label: 'production', actor, reason: 'answers got worse' });
 */
export function makeRollbackPromptLabel(deps: {
  registry: PromptRegistry;
  moveLabel: MovePromptLabel;
}): RollbackPromptLabel {
  return async ({ name, label, actor, reason }) => {
    const [last] = await deps.registry.listLabelMoves(name, label);
    if (last === undefined) {
      throw new SlipwayError(
        'conflict',
        `Label "${label}" of prompt "${name}" has never moved: nothing to roll back to`,
        {
          param: 'label',
        },
      );
    }
    if (last.fromVersion === null) {
      throw new SlipwayError(
        'conflict',
        `Label "${label}" of prompt "${name}" pointed at no version before version ${last.toVersion}: nothing to roll back to`,
        { param: 'label' },
      );
    }
    return deps.moveLabel({
      name,
      label,
      toVersion: last.fromVersion,
      // Compare against where the last move left it: a move in between makes this one fail instead of skipping it.
      expectedFromVersion: last.toVersion,
      actor,
      reason: reason ?? null,
      testRunId: null,
      override: false,
      kind: 'rollback',
    });
  };
}
