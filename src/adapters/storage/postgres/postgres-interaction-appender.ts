import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { InteractionRecord } from '../../../core/interaction.js';
import type { InteractionStore } from '../../../ports/interaction-store.js';
import { toAttemptRow, toInteractionRow } from '../common/interaction-rows.js';
import { toPostgresCopyText } from './postgres-copy-text.js';

// Session-local, so concurrent writers never see each other's rows, and emptied by every commit (a rollback
// discards them too): nothing is left over for the next batch on the connection.
const STAGING = {
  interactions: 'pg_temp.interactions_staging',
  attempts: 'pg_temp.attempts_staging',
} as const;

// IF NOT EXISTS on every batch rather than once per connection: a pooler between us and the server (PgBouncer
// in transaction mode) may hand the transaction another server session, and `DISCARD ALL` drops temporary
// tables. The check is a catalog lookup in the round trip that begins the transaction; its notice is silenced.
const BEGIN = [
  'BEGIN',
  'SET LOCAL client_min_messages = warning',
  `CREATE TEMP TABLE IF NOT EXISTS ${STAGING.interactions} (LIKE interactions) ON COMMIT DELETE ROWS`,
  `CREATE TEMP TABLE IF NOT EXISTS ${STAGING.attempts} (LIKE attempts) ON COMMIT DELETE ROWS`,
].join('; ');

// The attempts' key keeps those of a record seen before from being added again; a record is final once written,
// so a repeated one carries the same attempts.
const CONFLICT_KEYS = { interactions: 'id', attempts: 'interaction_id, attempt_index' } as const;

/**
 * `appendInteractions` for PostgreSQL: each batch is COPYed into temporary staging tables and moved into the log
 * by `INSERT … SELECT … ON CONFLICT DO NOTHING`, in one transaction. COPY parses rows several times faster than
 * multi-row INSERTs bound parameter by parameter, and the conflict clauses keep the port's idempotency (a record
 * seen again is ignored, attempts included), which a plain COPY into the log's tables cannot: one repeated id
 * would fail the whole batch. See docs/decisions/2026-11-25-postgres-copy-for-interaction-log.md.
 */
export class PostgresInteractionAppender implements Pick<InteractionStore, 'appendInteractions'> {
  constructor(private readonly pool: pg.Pool) {}

  async appendInteractions(records: readonly InteractionRecord[]): Promise<void> {
    const byId = new Map<string, InteractionRecord>();
    for (const record of records) if (!byId.has(record.id)) byId.set(record.id, record);
    if (byId.size === 0) return;
    const interactions = [...byId.values()].map(toInteractionRow);
    const attempts = [...byId.values()].flatMap((record) =>
      record.attempts.map((attempt) => toAttemptRow(record.id, attempt)),
    );
    const client = await this.pool.connect();
    try {
      await client.query(BEGIN);
      await copyInto(client, { table: 'interactions', rows: interactions });
      const moves = [moveFromStaging({ table: 'interactions', columns: columnsOf(interactions) })];
      if (attempts.length > 0) {
        await copyInto(client, { table: 'attempts', rows: attempts });
        moves.push(moveFromStaging({ table: 'attempts', columns: columnsOf(attempts) }));
      }
      await client.query([...moves, 'COMMIT'].join('; '));
    } catch (error) {
      // A connection that cannot even roll back is broken: released with `true`, the pool closes it.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(!rolledBack);
      throw error;
    }
    client.release();
  }
}

/** The row mappers give every row every column, in one order. */
function columnsOf<Row extends object>(rows: readonly Row[]): (keyof Row & string)[] {
  return rows[0] === undefined ? [] : (Object.keys(rows[0]) as (keyof Row & string)[]);
}

type LogTable = keyof typeof STAGING;

async function copyInto<Row extends Record<string, string | number | boolean | null | undefined>>(
  client: pg.PoolClient,
  options: { table: LogTable; rows: readonly Row[] },
): Promise<void> {
  const columns = columnsOf(options.rows);
  const stream = client.query(copyFrom(`COPY ${STAGING[options.table]} (${columns.join(', ')}) FROM STDIN`));
  stream.end(toPostgresCopyText(options.rows, columns));
  await finished(stream);
}

function moveFromStaging(options: { table: LogTable; columns: readonly string[] }): string {
  const columns = options.columns.join(', ');
  return (
    `INSERT INTO ${options.table} (${columns}) SELECT ${columns} FROM ${STAGING[options.table]} ` +
    `ON CONFLICT (${CONFLICT_KEYS[options.table]}) DO NOTHING`
  );
}
