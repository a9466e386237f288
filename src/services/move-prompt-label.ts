import { SlipwayError } from '../core/errors.js';
import type { PromptLabelMove } from '../core/prompt.js';
import { LATEST_LABEL, canMoveLabel, isLabelName } from '../core/prompts/label-rules.js';
import type { Clock } from '../ports/clock.js';
import type { PromptRegistry } from '../ports/prompt-registry.js';
import type { Random } from '../ports/random.js';
import { promptActorRef, promptAuditActor } from './prompt-actor.js';
import type { PromptActor } from './prompt-actor.js';
import type { RecordAudit } from './record-audit.js';

export interface MovePromptLabelInput {
  name: string;
  label: string;
  toVersion: number;
  actor: PromptActor;
  reason: string | null;
  /** The test run that allowed the move (or that an override went past). */
  testRunId: string | null;
  /** True when an admin moves past failing or missing tests. */
  override: boolean;
  kind: 'promote' | 'rollback';
  /**
   * The version the caller saw the label at (null: unset); the move fails with `conflict` if it has moved since.
   * When omitted, the label's current version is read just before the move.
   */
  expectedFromVersion?: number | null;
}

export type MovePromptLabel = (input: MovePromptLabelInput) => Promise<PromptLabelMove>;

export interface MovePromptLabelDeps {
  registry: PromptRegistry;
  clock: Clock;
  random: Random;
  recordAudit: RecordAudit;
  /** Labels only admins may move (configuration; `['production']` by default). */
  protectedLabels: readonly string[];
}

/**
 * The one place a prompt label moves by hand (promotion, rollback, the dashboard). Checks the label's name and the
 * actor's role (admins move any label but `latest`; developers only unprotected ones), then compares and moves in
 * one step, records the move with who, why and the test run, and audits it as `prompt.label_move`.
 * Throws `invalid_request` for a bad or `latest` label, `forbidden` for a role that may not move it, `not_found`
 * for an unknown version, `conflict` when the label already points there or moved meanwhile.
 * @example await moveLabel({ name, label: 'production', toVersion: 4, actor, reason: null, testRunId, override: false, kind: 'promote' });
 */
export function makeMovePromptLabel(deps: MovePromptLabelDeps): MovePromptLabel {
  return async (input) => {
    const { name, label, toVersion, actor } = input;
    if (label === LATEST_LABEL) {
      throw new SlipwayError('invalid_request', `The "${LATEST_LABEL}" label moves by itself on every push`, {
        param: 'label',
      });
    }
    if (!isLabelName(label)) {
      throw new SlipwayError(
        'invalid_request',
        `"${label}" is not a label name: 1 to 40 lowercase letters, digits, - and _`,
        { param: 'label' },
      );
    }
    if (!canMoveLabel(actor.role, label, deps.protectedLabels)) {
      const who = deps.protectedLabels.includes(label) ? 'only admins' : 'only admins and developers';
      throw new SlipwayError('forbidden', `The "${label}" label can be moved by ${who}`, { param: 'label' });
    }
    const expectedFromVersion =
      input.expectedFromVersion === undefined
        ? ((await deps.registry.getLabels(name))[label] ?? null)
        : input.expectedFromVersion;
    if (expectedFromVersion === toVersion) {
      throw new SlipwayError(
        'conflict',
        `Label "${label}" of prompt "${name}" already points at version ${toVersion}`,
        { param: 'label' },
      );
    }
    const move = await deps.registry.moveLabel({
      name,
      label,
      toVersion,
      expectedFromVersion,
      move: {
        id: deps.random.id('plm'),
        at: deps.clock.now(),
        actor: promptActorRef(actor),
        reason: input.reason,
        testRunId: input.testRunId,
        override: input.override,
        kind: input.kind,
      },
    });
    await deps.recordAudit({
      actor: promptAuditActor(actor),
      action: 'prompt.label_move',
      target: name,
      detail: {
        label,
        from: move.fromVersion,
        to: move.toVersion,
        reason: move.reason,
        testRunId: move.testRunId,
        override: move.override,
        kind: move.kind,
      },
    });
    return move;
  };
}
