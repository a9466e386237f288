import type { PromptLabelMove, PromptTestRun } from '../core/prompt.js';
import type { PromptSummary } from '../ports/prompt-registry.js';
import type { ExpandPromptReference } from '../services/expand-prompt-reference.js';
import type { PromptActor } from '../services/prompt-actor.js';
import type {
  PromotionOutcome,
  PromptDiffView,
  PromptVersionView,
  PushedFileResult,
  PushedPromptFile,
} from './prompt-views.js';

/**
 * What the HTTP edge needs for prompts as code (src/compose/compose-prompts.ts provides it from the prompt
 * services). Every method throws SlipwayError: `not_found` for an unknown prompt, version or label, `forbidden`
 * when the actor's role may not do it, `invalid_request` for bad input, `conflict` when a label moved meanwhile,
 * already points at the version, or has no previous version to roll back to. The actor is the HTTP request's.
 */
export interface PromptApi {
  push(files: PushedPromptFile[], actor: PromptActor): Promise<PushedFileResult[]>;
  list(): Promise<PromptSummary[]>;
  /** By label (`latest` included) or number. */
  getVersion(name: string, selector: { label: string } | { version: number }): Promise<PromptVersionView>;
  /** Newest first; `not_found` when the prompt does not exist. */
  listVersions(name: string): Promise<PromptVersionView[]>;
  /** `from` and `to` are each a version number or a label. */
  diff(name: string, from: string, to: string): Promise<PromptDiffView>;
  /**
   * Runs a version's tests (the `latest` one by default) through the gateway as the actor's caller and stores the
   * run; resolves when every case is done.
   */
  test(
    name: string,
    options: { version?: number; model?: string },
    actor: PromptActor,
  ): Promise<PromptTestRun>;
  listTestRuns(name: string, version?: number): Promise<PromptTestRun[]>;
  /** `not_found` when no run has this id for this prompt. */
  getTestRun(name: string, id: string): Promise<PromptTestRun>;
  /** Runs the version's tests afresh, then moves the label only if they pass (or an admin overrides). */
  promote(
    name: string,
    request: { version: number; label: string; overrideReason?: string },
    actor: PromptActor,
  ): Promise<PromotionOutcome>;
  /** Moves the label back to the version it pointed at before its last move. */
  rollback(
    name: string,
    request: { label: string; reason?: string },
    actor: PromptActor,
  ): Promise<PromptLabelMove>;
  listLabelMoves(name: string, label?: string): Promise<PromptLabelMove[]>;
  /** The gateway's `prompt` parameter of chat completions. */
  expandReference: ExpandPromptReference;
}
