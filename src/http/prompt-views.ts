import type { PromptLabelMove, PromptTestRun, PromptVersion } from '../core/prompt.js';
import type { PushPromptFile, PushPromptResult } from '../services/push-prompts.js';

/*
 * The prompt API's request and response shapes. Kept apart from the API itself (prompt-api.ts), which knows the
 * request's actor, so that the dashboard and the CLI can import them without the HTTP stack.
 */

/** One file of a push, as the CLI read it (re-validated by the server), and what the push did with it. */
export type { PushPromptFile as PushedPromptFile, PushPromptResult as PushedFileResult };

/** A version as the API shows it: with the labels that point at it. */
export type PromptVersionView = PromptVersion & { labels: string[] };

/** Two versions' readable difference: a unified diff of messages, variables, parameters and tests. */
export interface PromptDiffView {
  name: string;
  from: number;
  to: number;
  /** Unified diff text, empty when the two versions are the same. */
  diff: string;
}

/**
 * A promotion runs the version's tests afresh, then either moves the label or is refused because a case failed
 * (or a protected label was asked for a version without tests); either way the run is returned.
 */
export type PromotionOutcome =
  | { status: 'promoted'; move: PromptLabelMove; testRun: PromptTestRun }
  | { status: 'refused'; message: string; testRun: PromptTestRun };
