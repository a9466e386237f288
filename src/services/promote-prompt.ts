import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { PromptLabelMove, PromptTestCaseResult, PromptTestRun } from '../core/prompt.js';
import { assertOverrideAllowed, decidePromotion } from '../core/prompts/decide-promotion.js';
import type { PromotionOverride } from '../core/prompts/decide-promotion.js';
import { LATEST_LABEL, canMoveLabel, isLabelName } from '../core/prompts/label-rules.js';
import type { PromptRegistry } from '../ports/prompt-registry.js';
import type { MovePromptLabel } from './move-prompt-label.js';
import type { PromptActor } from './prompt-actor.js';
import type { RunPromptTests, RunPromptTestsRequest } from './run-prompt-tests.js';

export interface PromotePromptDeps {
  registry: Pick<PromptRegistry, 'getVersion'>;
  runPromptTests: RunPromptTests;
  moveLabel: MovePromptLabel;
  /** Labels only admins may move, and only to a version with tests (configuration, `['production']` by default). */
  protectedLabels: readonly string[];
}

export interface PromotePromptRequest {
  name: string;
  version: number;
  label: string;
  actor: PromptActor;
  /** Whose limits and model permissions the test calls run under. */
  caller: Caller;
  /** The model to test against instead of the default test model. */
  model?: string;
  /** An admin's decision to move past failing or missing tests, with the reason recorded on the move. */
  override?: PromotionOverride;
  concurrency?: RunPromptTestsRequest['concurrency'];
  onProgress?: RunPromptTestsRequest['onProgress'];
  signal?: AbortSignal;
}

type PromotePromptResult =
  | { refused: false; move: PromptLabelMove; testRun: PromptTestRun }
  | {
      refused: true;
      testRun: PromptTestRun;
      /** The cases that failed (none when a protected label was refused a version without tests). */
      failures: PromptTestCaseResult[];
      /** Why, readable on its own. */
      message: string;
    };

export type PromotePrompt = (request: PromotePromptRequest) => Promise<PromotePromptResult>;

/**
 * Promotes a prompt version to a label only if its tests pass: runs them afresh (the run is saved either way), then
 * moves the label through move-prompt-label, kind `promote`, with the run's id. A failing case refuses the move
 * and returns the failures; so does a protected label for a version without tests. An admin's override with a
 * reason moves past a refusal, recorded with `override: true`, the reason and the failing run's id.
 * Throws before any test runs: `forbidden` for a role that may not move the label or override, `invalid_request`
 * for a bad label or an override without a reason, `not_found` for an unknown version; at the move, `conflict`
 * when the label already points there or moved meanwhile.
 * @example const result = await promotePrompt({ name: 'support/triage', version: 4, label: 'production', actor, caller });
 * if (result.refused) console.log(result.message);
 */
export function makePromotePrompt(deps: PromotePromptDeps): PromotePrompt {
  return async (request) => {
    const { name, label, actor } = request;
    assertOverrideAllowed(actor.role, request.override);
    checkLabelBeforeTests(label, actor, deps.protectedLabels);
    const version = await deps.registry.getVersion(name, { version: request.version });
    if (version === null) {
      throw new SlipwayError('not_found', `Prompt "${name}" has no version ${request.version}`, {
        param: 'version',
      });
    }
    const testRun = await deps.runPromptTests({
      version,
      actor,
      caller: request.caller,
      ...(request.model === undefined ? {} : { model: request.model }),
      ...(request.concurrency === undefined ? {} : { concurrency: request.concurrency }),
      ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    const decision = decidePromotion({
      label,
      protectedLabels: deps.protectedLabels,
      actorRole: actor.role,
      run: testRun,
      ...(request.override === undefined ? {} : { override: request.override }),
    });
    if (decision.kind === 'refuse') {
      return { refused: true, testRun, failures: decision.failures, message: decision.message };
    }
    const move = await deps.moveLabel({
      name,
      label,
      toVersion: version.version,
      actor,
      reason: decision.reason,
      testRunId: testRun.id,
      override: decision.override,
      kind: 'promote',
    });
    return { refused: false, move, testRun };
  };
}

/**
 * The label rules move-prompt-label applies at the move, checked before the tests too, so that a promotion that
 * could never move its label spends no model calls.
 */
function checkLabelBeforeTests(label: string, actor: PromptActor, protectedLabels: readonly string[]): void {
  if (label === LATEST_LABEL || !isLabelName(label)) {
    throw new SlipwayError('invalid_request', `"${label}" is not a label a promotion can move`, {
      param: 'label',
    });
  }
  if (!canMoveLabel(actor.role, label, protectedLabels)) {
    throw new SlipwayError('forbidden', `A ${actor.role} may not move the "${label}" label`, {
      param: 'label',
    });
  }
}
