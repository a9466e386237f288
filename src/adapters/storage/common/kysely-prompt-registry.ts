import type { Kysely, Selectable, Transaction } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type {
  PromptDefinition,
  PromptLabelMove,
  PromptTestCaseResult,
  PromptTestRun,
  PromptVersion,
} from '../../../core/prompt.js';
import { LATEST_LABEL } from '../../../core/prompts/label-rules.js';
import type {
  LabelMoveRequest,
  NewPromptVersion,
  PromptRegistry,
  PromptSummary,
} from '../../../ports/prompt-registry.js';
import type {
  Database,
  PromptLabelMovesTable,
  PromptTestRunsTable,
  PromptVersionsTable,
} from './database.js';
import { decodeJson, encodeJson } from './json-column.js';
import { runTransaction } from './run-transaction.js';
import type { StorageDialect } from './storage-dialect.js';

/**
 * Concurrent pushes of one name on PostgreSQL race for the next number; the loser's insert hits the primary key
 * and it tries again with the number after the winner's. More than a handful of losses in a row means something
 * other than a race.
 */
const ADD_VERSION_ATTEMPTS = 8;

type Executor = Kysely<Database> | Transaction<Database>;

export class KyselyPromptRegistry implements PromptRegistry {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async addVersion(input: NewPromptVersion): Promise<{ version: PromptVersion; created: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await runTransaction<{ version: PromptVersion; created: boolean }>(
          this.db,
          async (transaction) => {
            const existing = await this.versionWhere(transaction, input.definition.name, {
              contentHash: input.contentHash,
            });
            if (existing !== null) return { result: { version: existing, created: false }, commit: false };
            return {
              result: { version: await this.insertVersion(transaction, input), created: true },
              commit: true,
            };
          },
        );
      } catch (error) {
        if (attempt >= ADD_VERSION_ATTEMPTS || this.dialect.constraintViolationOf(error) !== 'unique')
          throw error;
      }
    }
  }

  private async insertVersion(
    transaction: Transaction<Database>,
    input: NewPromptVersion,
  ): Promise<PromptVersion> {
    const { name } = input.definition;
    const latest = await transaction
      .selectFrom('prompt_versions')
      .select((expression) => expression.fn.max('version').as('latest'))
      .where('name', '=', name)
      .executeTakeFirst();
    const number = Number(latest?.latest ?? 0) + 1;
    const version: PromptVersion = {
      name,
      version: number,
      contentHash: input.contentHash,
      definition: input.definition,
      source: input.source,
      createdAt: input.createdAt,
      createdBy: input.createdBy,
    };
    await transaction
      .insertInto('prompt_versions')
      .values({
        name,
        version: number,
        content_hash: input.contentHash,
        definition: encodeJson(input.definition) ?? '{}',
        source_path: input.source.path,
        git_commit: input.source.gitCommit,
        git_author: input.source.gitAuthor,
        git_message: input.source.gitMessage,
        created_at: input.createdAt,
        created_by: input.createdBy,
      })
      .execute();
    const previous = await labelVersion(transaction, name, LATEST_LABEL);
    await transaction
      .insertInto('prompt_labels')
      .values({ name, label: LATEST_LABEL, version: number, updated_at: input.createdAt })
      .onConflict((conflict) =>
        conflict.columns(['name', 'label']).doUpdateSet({ version: number, updated_at: input.createdAt }),
      )
      .execute();
    await insertMove(transaction, {
      // (name, version) is unique, so the push's own move needs no random id.
      id: `push:${name}:${number}`,
      name,
      label: LATEST_LABEL,
      fromVersion: previous,
      toVersion: number,
      at: input.createdAt,
      actor: input.createdBy,
      reason: null,
      testRunId: null,
      override: false,
      kind: 'push',
    });
    return version;
  }

  getVersion(
    name: string,
    selector: { version: number } | { contentHash: string },
  ): Promise<PromptVersion | null> {
    return this.versionWhere(this.db, name, selector);
  }

  private async versionWhere(
    executor: Executor,
    name: string,
    selector: { version: number } | { contentHash: string },
  ): Promise<PromptVersion | null> {
    let select = executor.selectFrom('prompt_versions').selectAll().where('name', '=', name);
    select =
      'version' in selector
        ? select.where('version', '=', selector.version)
        : select.where('content_hash', '=', selector.contentHash);
    const row = await select.executeTakeFirst();
    return row === undefined ? null : toPromptVersion(row);
  }

  async getLabelled(name: string, label: string): Promise<PromptVersion | null> {
    const row = await this.db
      .selectFrom('prompt_labels')
      .innerJoin('prompt_versions', (join) =>
        join
          .onRef('prompt_versions.name', '=', 'prompt_labels.name')
          .onRef('prompt_versions.version', '=', 'prompt_labels.version'),
      )
      .selectAll('prompt_versions')
      .where('prompt_labels.name', '=', name)
      .where('prompt_labels.label', '=', label)
      .executeTakeFirst();
    return row === undefined ? null : toPromptVersion(row);
  }

  async listPrompts(): Promise<PromptSummary[]> {
    const versions = await this.db
      .selectFrom('prompt_versions')
      .select((expression) => [
        'name',
        expression.fn.max('version').as('latest'),
        expression.fn.max('created_at').as('created'),
      ])
      .groupBy('name')
      .execute();
    const labels = await this.db.selectFrom('prompt_labels').selectAll().execute();
    const summaries = new Map<string, PromptSummary>();
    for (const row of versions) {
      summaries.set(row.name, {
        name: row.name,
        latestVersion: Number(row.latest),
        labels: {},
        updatedAt: Number(row.created),
      });
    }
    for (const row of labels) {
      const summary = summaries.get(row.name);
      if (summary === undefined) continue;
      summary.labels[row.label] = row.version;
      summary.updatedAt = Math.max(summary.updatedAt, row.updated_at);
    }
    return [...summaries.values()].sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
  }

  async listVersions(name: string): Promise<PromptVersion[]> {
    const rows = await this.db
      .selectFrom('prompt_versions')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .execute();
    return rows.map(toPromptVersion);
  }

  async getLabels(name: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('prompt_labels')
      .select(['label', 'version'])
      .where('name', '=', name)
      .orderBy('label')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.label, row.version]));
  }

  moveLabel(request: LabelMoveRequest): Promise<PromptLabelMove> {
    const { name, label, toVersion, expectedFromVersion } = request;
    return runTransaction(this.db, async (transaction) => {
      if ((await this.versionWhere(transaction, name, { version: toVersion })) === null) {
        throw new SlipwayError('not_found', `Prompt "${name}" has no version ${toVersion}`, {
          param: 'version',
        });
      }
      // Compare-and-move in one statement: the row changes only if it still holds what the caller saw.
      const moved =
        expectedFromVersion === null
          ? await this.insertLabel(transaction, request)
          : (
              await transaction
                .updateTable('prompt_labels')
                .set({ version: toVersion, updated_at: request.move.at })
                .where('name', '=', name)
                .where('label', '=', label)
                .where('version', '=', expectedFromVersion)
                .executeTakeFirst()
            ).numUpdatedRows > 0n;
      if (!moved) {
        const current = await labelVersion(transaction, name, label);
        const now = current === null ? 'is not set' : `points at version ${current}`;
        throw new SlipwayError(
          'conflict',
          `Label "${label}" of prompt "${name}" moved meanwhile: it ${now}, not ${expectedFromVersion ?? 'unset'}`,
          { param: 'label' },
        );
      }
      const move: PromptLabelMove = {
        ...request.move,
        name,
        label,
        fromVersion: expectedFromVersion,
        toVersion,
      };
      await insertMove(transaction, move);
      return { result: move, commit: true };
    });
  }

  /** True when the label was unset and is now set; false when someone set it first. */
  private async insertLabel(transaction: Transaction<Database>, request: LabelMoveRequest): Promise<boolean> {
    const result = await transaction
      .insertInto('prompt_labels')
      .values({
        name: request.name,
        label: request.label,
        version: request.toVersion,
        updated_at: request.move.at,
      })
      .onConflict((conflict) => conflict.columns(['name', 'label']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async listLabelMoves(name: string, label?: string): Promise<PromptLabelMove[]> {
    let select = this.db.selectFrom('prompt_label_moves').selectAll().where('name', '=', name);
    if (label !== undefined) select = select.where('label', '=', label);
    const rows = await select.orderBy('at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toLabelMove);
  }

  async saveTestRun(run: PromptTestRun): Promise<void> {
    try {
      await this.db
        .insertInto('prompt_test_runs')
        .values({
          id: run.id,
          name: run.name,
          version: run.version,
          model: run.model,
          started_at: run.startedAt,
          finished_at: run.finishedAt,
          passed: run.passed ? 1 : 0,
          actor: run.actor,
          cases: encodeJson(run.cases) ?? '[]',
        })
        .execute();
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `A test run with id ${run.id} exists`, { cause: error });
      }
      throw error;
    }
  }

  async getTestRun(id: string): Promise<PromptTestRun | null> {
    const row = await this.db
      .selectFrom('prompt_test_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toTestRun(row);
  }

  async listTestRuns(name: string, version?: number): Promise<PromptTestRun[]> {
    let select = this.db.selectFrom('prompt_test_runs').selectAll().where('name', '=', name);
    if (version !== undefined) select = select.where('version', '=', version);
    const rows = await select.orderBy('started_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toTestRun);
  }
}

async function labelVersion(executor: Executor, name: string, label: string): Promise<number | null> {
  const row = await executor
    .selectFrom('prompt_labels')
    .select('version')
    .where('name', '=', name)
    .where('label', '=', label)
    .executeTakeFirst();
  return row?.version ?? null;
}

async function insertMove(executor: Executor, move: PromptLabelMove): Promise<void> {
  await executor
    .insertInto('prompt_label_moves')
    .values({
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
    })
    .execute();
}

export function toPromptVersion(row: Selectable<PromptVersionsTable>): PromptVersion {
  return {
    name: row.name,
    version: row.version,
    contentHash: row.content_hash,
    definition: decodeJson(row.definition) as PromptDefinition,
    source: {
      path: row.source_path,
      gitCommit: row.git_commit,
      gitAuthor: row.git_author,
      gitMessage: row.git_message,
    },
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function toLabelMove(row: Selectable<PromptLabelMovesTable>): PromptLabelMove {
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    at: row.at,
    actor: row.actor,
    reason: row.reason,
    testRunId: row.test_run_id,
    override: Boolean(row.override),
    kind: row.kind as PromptLabelMove['kind'],
  };
}

function toTestRun(row: Selectable<PromptTestRunsTable>): PromptTestRun {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    model: row.model,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    passed: Boolean(row.passed),
    actor: row.actor,
    cases: decodeJson(row.cases) as PromptTestCaseResult[],
  };
}
