import type { Insertable } from 'kysely';
import type { InteractionRecord } from '../../../core/interaction.js';
import type { InteractionStore } from '../../../ports/interaction-store.js';
import type { AttemptsTable, InteractionsTable } from '../common/database.js';
import { toAttemptRow, toInteractionRow } from '../common/interaction-rows.js';
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

/**
 * `appendInteractions` on SQLite: one synchronous IMMEDIATE transaction per batch, one prepared single-row
 * INSERT per row. Rows are mapped (JSON encoded, U+0000 replaced) by the same functions as the Kysely store's,
 * before the transaction, so that the write lock is held only while inserting.
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
    this.#append = connection.transaction('immediate', (rows) => {
      for (const { interaction, attempts } of rows) {
        // A record seen before (in an earlier batch or earlier in this one) is ignored, its attempts with it.
        if (insertInteraction.run(interaction).changes === 0) continue;
        for (const attempt of attempts) insertAttempt.run(attempt);
      }
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
