import type { Insertable } from 'kysely';
import type { InteractionRecord } from '../../../core/interaction.js';
import type { InteractionStore } from '../../../ports/interaction-store.js';
import type { AttemptsTable, InteractionsTable } from '../common/database.js';
import { toAttemptRow, toInteractionRow } from '../common/interaction-rows.js';
import { histogramUpsertSql, rollupUpsertSql, ROLLUP_LEVELS } from '../common/stats-rollup-sql.js';
import type { SqliteConnection } from './sqlite-connection.js';

type InteractionRow = Insertable<InteractionsTable>;
type AttemptRow = Insertable<AttemptsTable>;

// Written as objects so that the compiler checks every column of the table is listed, and no other.
const INTERACTION_COLUMNS = Object.keys({
  id: true,
  endpoint: true,
  project_id: true,
  api_key_id: true,
  end_user: true,
  model_requested: true,
  target: true,
  variant: true,
  prompt_name: true,
  prompt_version: true,
  retrieved_documents: true,
  batch_id: true,
  stream: true,
  status: true,
  error_code: true,
  error_message: true,
  request: true,
  response: true,
  prompt_tokens: true,
  completion_tokens: true,
  total_tokens: true,
  cost_usd: true,
  latency_ms: true,
  ttft_ms: true,
  started_at: true,
  attempt_count: true,
  trace_id: true,
  span_id: true,
  parent_span_id: true,
  trace_sampled: true,
  search_text: true,
} satisfies Record<keyof InteractionsTable, true>);

const ATTEMPT_COLUMNS = Object.keys({
  interaction_id: true,
  attempt_index: true,
  provider_id: true,
  model: true,
  started_at: true,
  latency_ms: true,
  ttft_ms: true,
  status: true,
  error_code: true,
  error_message: true,
  upstream_status: true,
} satisfies Record<keyof AttemptsTable, true>);

// The rows a batch inserted are those above the largest rowid before it: the write lock is held from the read to
// the commit, and SQLite gives a new row the largest rowid plus one.
const INSERTED_AFTER = '(SELECT * FROM interactions WHERE rowid > @after) AS inserted';

/**
 * `appendInteractions` on SQLite: one synchronous IMMEDIATE transaction per batch, one prepared single-row
 * INSERT per row and its full-text index entry (migration 0018: cheaper here than as a trigger), then the batch's
 * rows added into the overview rollups by one grouped upsert per table (rows skipped as duplicates are not
 * counted). Rows are mapped (JSON encoded, U+0000 replaced) by the same functions
 * as the Kysely store's, before the transaction, so that the write lock is held only while inserting.
 */
export class SqliteInteractionAppender implements Pick<InteractionStore, 'appendInteractions'> {
  readonly #append: (rows: readonly { interaction: InteractionRow; attempts: AttemptRow[] }[]) => void;

  constructor(connection: SqliteConnection) {
    const insertInteraction = connection.prepare<[InteractionRow]>(
      insertIgnoringDuplicatesSql('interactions', INTERACTION_COLUMNS),
    );
    const insertAttempt = connection.prepare<[AttemptRow]>(
      insertIgnoringDuplicatesSql('attempts', ATTEMPT_COLUMNS),
    );
    const indexSearchText = connection.prepare<[number | bigint, string | null]>(
      'insert into interactions_fts(rowid, search_text) values (?, ?)',
    );
    const largestRowid = connection.prepare<[], { after: number }>(
      'select coalesce(max(rowid), 0) as after from interactions',
    );
    const addToRollups = ROLLUP_LEVELS.flatMap((level) => [
      connection.prepare<[{ after: number }]>(rollupUpsertSql(INSERTED_AFTER, level)),
      connection.prepare<[{ after: number }]>(histogramUpsertSql(INSERTED_AFTER, level)),
    ]);
    this.#append = connection.transaction('immediate', (rows) => {
      const before = largestRowid.get();
      let inserted = 0;
      for (const { interaction, attempts } of rows) {
        // A record seen before (in an earlier batch or earlier in this one) is ignored, its attempts with it.
        const stored = insertInteraction.run(interaction);
        if (stored.changes === 0) continue;
        indexSearchText.run(stored.lastInsertRowid, interaction.search_text ?? null);
        inserted += 1;
        for (const attempt of attempts) insertAttempt.run(attempt);
      }
      if (inserted === 0) return;
      const after = before?.after ?? 0;
      for (const statement of addToRollups) statement.run({ after });
    });
  }

  async appendInteractions(records: readonly InteractionRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.#append(
      records.map((record) => ({
        interaction: toInteractionRow(record),
        attempts: record.attempts.map((attempt) => toAttemptRow(record.id, attempt)),
      })),
    );
  }
}

/** Bound by name from a row object. Duplicates of the primary key are skipped, never an error. */
function insertIgnoringDuplicatesSql(table: string, columns: readonly string[]): string {
  const names = columns.map((column) => `"${column}"`).join(', ');
  const values = columns.map((column) => `@${column}`).join(', ');
  return `insert into "${table}" (${names}) values (${values}) on conflict do nothing`;
}
