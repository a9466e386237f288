import type { Insertable, Kysely } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type { InteractionRecord } from '../../../core/interaction.js';
import { parseLogSearchQuery } from '../../../core/log-search-query.js';
import type {
  InteractionPage,
  InteractionQuery,
  InteractionSort,
  InteractionStore,
  InteractionSummary,
} from '../../../ports/interaction-store.js';
import { BatchInsert } from './batch-insert.js';
import type { AttemptsTable, Database, InteractionsTable } from './database.js';
import { splitIntoInsertChunks } from './insert-chunks.js';
import { encodeInteractionCursor, parseInteractionCursor } from './interaction-cursor.js';
import {
  INTERACTION_SUMMARY_COLUMNS,
  toAttemptRow,
  toInteractionRecord,
  toInteractionRow,
  toInteractionSummary,
} from './interaction-rows.js';
import type { StorageDialect } from './storage-dialect.js';

const MAX_PAGE_SIZE = 500;
const SORT_COLUMNS = {
  recent: 'started_at',
  cost: 'cost_usd',
  latency: 'latency_ms',
} as const satisfies Record<InteractionSort, keyof InteractionsTable>;
const SORT_KEYS = {
  recent: 'startedAt',
  cost: 'costUsd',
  latency: 'latencyMs',
} as const satisfies Record<InteractionSort, keyof InteractionSummary>;

export class KyselyInteractionStore implements InteractionStore {
  readonly #insertInteractions: BatchInsert<Insertable<InteractionsTable>>;
  readonly #insertAttempts: BatchInsert<Insertable<AttemptsTable>>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {
    this.#insertInteractions = new BatchInsert((rows) =>
      db
        .insertInto('interactions')
        .values(rows)
        .onConflict((conflict) => conflict.column('id').doNothing()),
    );
    // The attempts' key (interaction, index) keeps those of a record seen before from being added again; a
    // record is final once written, so a repeated one carries the same attempts.
    this.#insertAttempts = new BatchInsert((rows) =>
      db
        .insertInto('attempts')
        .values(rows)
        .onConflict((conflict) => conflict.columns(['interaction_id', 'attempt_index']).doNothing()),
    );
  }

  async appendInteractions(records: readonly InteractionRecord[]): Promise<void> {
    const byId = new Map<string, InteractionRecord>();
    for (const record of records) if (!byId.has(record.id)) byId.set(record.id, record);
    if (byId.size === 0) return;
    const { maxParameters } = this.dialect;
    const rows = [...byId.values()].map(toInteractionRow);
    const attempts = [...byId.values()].flatMap((record) =>
      record.attempts.map((attempt) => toAttemptRow(record.id, attempt)),
    );
    await this.db.transaction().execute(async (transaction) => {
      for (const chunk of splitIntoInsertChunks(rows, { columns: columnCount(rows), maxParameters })) {
        await transaction.executeQuery(this.#insertInteractions.compile(chunk));
      }
      for (const chunk of splitIntoInsertChunks(attempts, {
        columns: columnCount(attempts),
        maxParameters,
      })) {
        await transaction.executeQuery(this.#insertAttempts.compile(chunk));
      }
    });
  }

  async listInteractions(query: InteractionQuery): Promise<InteractionPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
      throw new SlipwayError('invalid_request', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, {
        param: 'limit',
      });
    }
    const sort = query.sort ?? 'recent';
    const keyColumn = SORT_COLUMNS[sort];
    const after = query.cursor === undefined ? undefined : parseInteractionCursor(query.cursor, sort);
    const search = query.text === undefined ? undefined : parseLogSearchQuery(query.text);
    let select = this.db.selectFrom('interactions').select(INTERACTION_SUMMARY_COLUMNS);
    if (query.projectId !== undefined) select = select.where('project_id', '=', query.projectId);
    if (query.apiKeyId !== undefined) select = select.where('api_key_id', '=', query.apiKeyId);
    if (query.modelRequested !== undefined)
      select = select.where('model_requested', '=', query.modelRequested);
    if (query.target !== undefined) select = select.where('target', '=', query.target);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.endUser !== undefined) select = select.where('end_user', '=', query.endUser);
    if (query.promptName !== undefined) select = select.where('prompt_name', '=', query.promptName);
    if (query.since !== undefined) select = select.where('started_at', '>=', query.since);
    if (query.until !== undefined) select = select.where('started_at', '<', query.until);
    if (query.minCostUsd !== undefined) select = select.where('cost_usd', '>=', query.minCostUsd);
    if (query.maxCostUsd !== undefined) select = select.where('cost_usd', '<=', query.maxCostUsd);
    if (query.minLatencyMs !== undefined) select = select.where('latency_ms', '>=', query.minLatencyMs);
    if (query.maxLatencyMs !== undefined) select = select.where('latency_ms', '<=', query.maxLatencyMs);
    if (after !== undefined) {
      select = select.where(({ eb, refTuple, tuple }) =>
        eb(refTuple(keyColumn, 'id'), '<', tuple(after.key, after.id)),
      );
    }
    if (search !== undefined) {
      const matches = await this.dialect.matchSearch({ db: this.db, search });
      select = select.where(matches);
    }
    // One row past the page tells whether another page follows, without a count.
    const rows = await select
      .orderBy(keyColumn, 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const items = rows.slice(0, query.limit).map(toInteractionSummary);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > query.limit && last !== undefined
          ? encodeInteractionCursor({ sort, key: last[SORT_KEYS[sort]], id: last.id })
          : null,
    };
  }

  async getInteraction(id: string): Promise<InteractionRecord | null> {
    const row = await this.db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return null;
    const attempts = await this.db
      .selectFrom('attempts')
      .selectAll()
      .where('interaction_id', '=', id)
      .orderBy('attempt_index')
      .execute();
    return toInteractionRecord(row, attempts);
  }
}

function columnCount(rows: readonly object[]): number {
  return rows[0] === undefined ? 1 : Object.keys(rows[0]).length;
}
