import { SlipwayError } from '../errors.js';
import type { Role } from '../identity.js';
import type { PromptTestCaseResult, PromptTestRun } from '../prompt.js';

/** An admin's explicit decision to promote past failing or missing tests. */
export interface PromotionOverride {
  reason: string;
}

export interface PromotionRequest {
  label: string;
  /** Labels that need tests to move (configuration, `['production']` by default). */
  protectedLabels: readonly string[];
  actorRole: Role;
  override?: PromotionOverride;
  /** The fresh run of the version's tests. */
  run: PromptTestRun;
}

export type PromotionDecision =
  /** Move the label; `override` is true when an admin went past failing or missing tests, with the reason. */
  | { kind: 'move'; override: boolean; reason: string | null }
  | {
      kind: 'refuse';
      /** Why, readable on its own: which cases failed, or that a protected label needs tests. */
      message: string;
      failures: PromptTestCaseResult[];
    };

/**
 * Checks an override request before any test runs: only an admin may override (`forbidden`), and only with a
 * reason that says why (`invalid_request`, param `override.reason`). Does nothing when no override is asked.
 * @example assertOverrideAllowed('developer', { reason: 'hotfix' }) // throws forbidden
 */
export function assertOverrideAllowed(role: Role, override: PromotionOverride | undefined): void {
  if (override === undefined) return;
  if (role !== 'admin') {
    throw new SlipwayError('forbidden', 'Only admins may promote past failing tests', { param: 'override' });
  }
  if (override.reason.trim() === '') {
    throw new SlipwayError('invalid_request', 'An override needs a reason, recorded with the move', {
      param: 'override.reason',
    });
  }
}

/**
 * Whether a promotion may move its label, given a fresh run of the version's tests. Every case passing moves it.
 * A failing case refuses it, naming the failures. A version without test cases may move an unprotected label (there
 * is nothing to fail) but not a protected one: a gate that passes because nothing was tested would be no gate. A
 * refusal becomes a move only with an admin's override and a reason; an override asked when nothing failed is not
 * recorded as one, but its reason is kept. Throws as `assertOverrideAllowed` does.
 * @example decidePromotion({ label: 'production', protectedLabels: ['production'], actorRole: 'developer', run })
 * // { kind: 'refuse', message: '2 of 5 test cases failed: greets, refuses refunds', failures: [...] }
 */
export function decidePromotion(request: PromotionRequest): PromotionDecision {
  const { run, override } = request;
  assertOverrideAllowed(request.actorRole, override);
  const refusal = refusalOf(request);
  if (refusal === null) return { kind: 'move', override: false, reason: override?.reason.trim() ?? null };
  if (override !== undefined) return { kind: 'move', override: true, reason: override.reason.trim() };
  return { kind: 'refuse', message: refusal, failures: run.cases.filter((testCase) => !testCase.passed) };
}

function refusalOf(request: PromotionRequest): string | null {
  const { run, label } = request;
  const failures = run.cases.filter((testCase) => !testCase.passed);
  if (failures.length > 0) {
    const names = failures.map((testCase) => testCase.name).join(', ');
    return `${failures.length} of ${run.cases.length} test cases of ${run.name} version ${run.version} failed: ${names}`;
  }
  if (run.cases.length === 0 && request.protectedLabels.includes(label)) {
    return `${run.name} version ${run.version} has no test cases, and the protected label "${label}" moves only to a tested version`;
  }
  return null;
}
