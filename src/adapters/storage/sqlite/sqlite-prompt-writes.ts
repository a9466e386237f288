import { SlipwayError } from '../../../core/errors.js';
import type { PromptLabelMove, PromptVersion } from '../../../core/prompt.js';
import { LATEST_LABEL } from '../../../core/prompts/label-rules.js';
import type { LabelMoveRequest, NewPromptVersion } from '../../../ports/prompt-registry.js';
import type { PromptVersionsTable } from '../common/database.js';
import { encodeJson } from '../common/json-column.js';
import { toPromptVersion } from '../common/kysely-prompt-registry.js';
import type { SqliteConnection } from './sqlite-connection.js';

interface MoveRow {
  id: string;
  name: string;
  label: string;
  from_version: number | null;
  to_version: number;
  at: number;
  actor: string;
  reason: string | null;
  test_run_id: string | null;
  override: number;
  kind: string;
}

/**
 * The prompt registry's two multi-statement writes on SQLite, `addVersion` and `moveLabel`, each one synchronous
 * IMMEDIATE transaction on the store's connection (the SQLite store runs no transactions through Kysely): nothing
 * can run between reading the latest number or the label and writing, so numbers and compare-and-move hold.
 * @example const { version, created } = await new SqlitePromptWrites(connection).addVersion(input);
 */
export class SqlitePromptWrites {
  readonly #addVersion: (input: NewPromptVersion) => { version: PromptVersion; created: boolean };
  readonly #moveLabel: (request: LabelMoveRequest) => PromptLabelMove;

  constructor(connection: SqliteConnection) {
    const byHash = connection.prepare<[string, string], PromptVersionsTable>(
      'SELECT * FROM prompt_versions WHERE name = ? AND content_hash = ?',
    );
    const latest = connection.prepare<[string], { latest: number | null }>(
      'SELECT max(version) AS latest FROM prompt_versions WHERE name = ?',
    );
    const versionExists = connection.prepare<[string, number], { version: number }>(
      'SELECT version FROM prompt_versions WHERE name = ? AND version = ?',
    );
    const insertVersion = connection.prepare<[PromptVersionsTable]>(
      `INSERT INTO prompt_versions (name, version, content_hash, definition, source_path, git_commit, git_author,
         git_message, created_at, created_by)
       VALUES (@name, @version, @content_hash, @definition, @source_path, @git_commit, @git_author, @git_message,
         @created_at, @created_by)`,
    );
    const labelOf = connection.prepare<[string, string], { version: number }>(
      'SELECT version FROM prompt_labels WHERE name = ? AND label = ?',
    );
    const setLabel = connection.prepare<[string, string, number, number]>(
      `INSERT INTO prompt_labels (name, label, version, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, label) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
    );
    const insertMove = connection.prepare<[MoveRow]>(
      `INSERT INTO prompt_label_moves (id, name, label, from_version, to_version, at, actor, reason, test_run_id,
         override, kind)
       VALUES (@id, @name, @label, @from_version, @to_version, @at, @actor, @reason, @test_run_id, @override, @kind)`,
    );
    const recordMove = (move: PromptLabelMove): void => {
      insertMove.run({
        id: move.id,
        name: move.name,
        label: move.label,
        from_version: move.fromVersion,
        to_version: move.toVersion,
        at: move.at,
        actor: move.actor,
        reason: move.reason,
        test_run_id: move.testRunId,
        override: move.override ? 1 : 0,
        kind: move.kind,
      });
    };

    this.#addVersion = connection.transaction('immediate', (input: NewPromptVersion) => {
      const { name } = input.definition;
      const existing = byHash.get(name, input.contentHash);
      if (existing !== undefined) return { version: toPromptVersion(existing), created: false };
      const row: PromptVersionsTable = {
        name,
        version: (latest.get(name)?.latest ?? 0) + 1,
        content_hash: input.contentHash,
        definition: encodeJson(input.definition) ?? '{}',
        source_path: input.source.path,
        git_commit: input.source.gitCommit,
        git_author: input.source.gitAuthor,
        git_message: input.source.gitMessage,
        created_at: input.createdAt,
        created_by: input.createdBy,
      };
      insertVersion.run(row);
      const previous = labelOf.get(name, LATEST_LABEL)?.version ?? null;
      setLabel.run(name, LATEST_LABEL, row.version, input.createdAt);
      recordMove({
        // (name, version) is unique, so the push's own move needs no random id.
        id: `push:${name}:${row.version}`,
        name,
        label: LATEST_LABEL,
        fromVersion: previous,
        toVersion: row.version,
        at: input.createdAt,
        actor: input.createdBy,
        reason: null,
        testRunId: null,
        override: false,
        kind: 'push',
      });
      return { version: toPromptVersion(row), created: true };
    });

    this.#moveLabel = connection.transaction('immediate', (request: LabelMoveRequest) => {
      const { name, label, toVersion, expectedFromVersion } = request;
      if (versionExists.get(name, toVersion) === undefined) {
        throw new SlipwayError('not_found', `Prompt "${name}" has no version ${toVersion}`, {
          param: 'version',
        });
      }
      const current = labelOf.get(name, label)?.version ?? null;
      if (current !== expectedFromVersion) {
        const now = current === null ? 'is not set' : `points at version ${current}`;
        throw new SlipwayError(
          'conflict',
          `Label "${label}" of prompt "${name}" moved meanwhile: it ${now}, not ${expectedFromVersion ?? 'unset'}`,
          { param: 'label' },
        );
      }
      setLabel.run(name, label, toVersion, request.move.at);
      const move: PromptLabelMove = { ...request.move, name, label, fromVersion: current, toVersion };
      recordMove(move);
      return move;
    });
  }

  addVersion(input: NewPromptVersion): Promise<{ version: PromptVersion; created: boolean }> {
    return settle(() => this.#addVersion(input));
  }

  moveLabel(request: LabelMoveRequest): Promise<PromptLabelMove> {
    return settle(() => this.#moveLabel(request));
  }
}

function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
