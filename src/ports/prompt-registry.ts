import type {
  PromptDefinition,
  PromptLabelMove,
  PromptSource,
  PromptTestRun,
  PromptVersion,
} from '../core/prompt.js';

export interface NewPromptVersion {
  definition: PromptDefinition;
  contentHash: string;
  source: PromptSource;
  createdAt: number;
  createdBy: string;
}

export interface PromptSummary {
  name: string;
  latestVersion: number;
  /** label → version, `latest` included. */
  labels: Record<string, number>;
  updatedAt: number;
}

export interface LabelMoveRequest {
  name: string;
  label: string;
  toVersion: number;
  /** The version the caller saw the label at; the move fails with `conflict` if it has moved since (null: unset). */
  expectedFromVersion: number | null;
  move: Omit<PromptLabelMove, 'name' | 'label' | 'fromVersion' | 'toVersion'>;
}

/**
 * Prompt versions, labels, label history and test runs.
 *
 * Contract (test/contract/prompt-registry.contract.ts runs it on SQLite and PostgreSQL):
 * - `addVersion` is idempotent on content: if any version of the name has the same `contentHash` (the latest or an
 *   older one), it returns that version with `created: false` and moves nothing; otherwise it stores version
 *   latest+1, moves `latest` to it and records that move (kind `push`), atomically, so that two concurrent pushes
 *   never get the same number.
 * - Versions never change once stored. `getVersion` by number or by content hash; null when absent.
 * - `moveLabel` compares the label's current version with `expectedFromVersion` and moves it and appends the move in
 *   one transaction; a mismatch throws `conflict`, an unknown version `not_found`.
 * - Lists are newest first.
 * @example const { version, created } = await registry.addVersion({ definition, contentHash, source, createdAt, createdBy });
 */
export interface PromptRegistry {
  addVersion(input: NewPromptVersion): Promise<{ version: PromptVersion; created: boolean }>;
  getVersion(
    name: string,
    selector: { version: number } | { contentHash: string },
  ): Promise<PromptVersion | null>;
  /** The version a label points at; null when the prompt or the label does not exist. */
  getLabelled(name: string, label: string): Promise<PromptVersion | null>;
  listPrompts(): Promise<PromptSummary[]>;
  listVersions(name: string): Promise<PromptVersion[]>;
  /** label → version for one prompt, `latest` included; empty when the prompt does not exist. */
  getLabels(name: string): Promise<Record<string, number>>;
  moveLabel(request: LabelMoveRequest): Promise<PromptLabelMove>;
  /** A prompt's label moves, newest first, optionally for one label. */
  listLabelMoves(name: string, label?: string): Promise<PromptLabelMove[]>;
  saveTestRun(run: PromptTestRun): Promise<void>;
  getTestRun(id: string): Promise<PromptTestRun | null>;
  /** Newest first, optionally for one version. */
  listTestRuns(name: string, version?: number): Promise<PromptTestRun[]>;
}
