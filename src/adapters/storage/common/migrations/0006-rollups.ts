import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';
import { latencyBucketSql } from '../latency-bucket-sql.js';
import {
  addMeasuresSql,
  histogramKey,
  histogramUpsertSql,
  periodOf,
  ROLLUP_LEVELS as LEVELS,
  ROLLUP_MEASURES as MEASURES,
  rollupKey,
  rollupUpsertSql,
} from '../stats-rollup-sql.js';

/**
 * Rollups of the interaction log, so that the overview statistics read a few thousand rows rather than every
 * interaction, at two grains (minute and hour): `stats_minutes` / `stats_hours` (counts and sums per period,
 * project, key and requested model) and `stats_minute_histograms` / `stats_hour_histograms` (latency and
 * time-to-first-token counts per bucket of src/core/latency-histogram.ts).
 *
 * They are maintained by triggers on `interactions`, so that every write path keeps them in step without knowing
 * about them, and only rows actually inserted count (a record appended again is skipped by ON CONFLICT DO
 * NOTHING before any trigger sees it). SQLite has row triggers only: each row upserts its minute and its hour
 * (migration 0011 replaced that trigger by one grouped upsert per batch in the SQLite appender).
 * PostgreSQL aggregates each INSERT statement's transition table and upserts in key order, so that concurrent
 * writers lock rows in the same order and cannot deadlock. Rollups hold no end-user data; retention and erasure
 * leave them alone (there is no DELETE trigger), so the figures of past periods stay as they were.
 *
 * The dialect is told apart by its JSON column type, the one thing migrations are given that differs.
 */
export function createRollupsMigration(types: DialectColumnTypes): Migration {
  const dialect = types.json === 'jsonb' ? 'postgres' : 'sqlite';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      // Clustered on the key in SQLite (WITHOUT ROWID): each upsert and each range scan touches one B-tree.
      const tableEnd = dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
      for (const level of LEVELS) {
        await sql
          .raw(
            `CREATE TABLE ${level.rollups} (
              ${level.start} bigint NOT NULL,
              project_id text NOT NULL,
              api_key_id text NOT NULL,
              model_requested text NOT NULL,
              requests bigint NOT NULL,
              errors bigint NOT NULL,
              prompt_tokens bigint NOT NULL,
              completion_tokens bigint NOT NULL,
              cost_usd double precision NOT NULL,
              latency_sum_ms bigint NOT NULL,
              ttft_count bigint NOT NULL,
              ttft_sum_ms bigint NOT NULL,
              PRIMARY KEY (${rollupKey(level)})
            )${tableEnd}`,
          )
          .execute(db);
        await sql
          .raw(
            `CREATE TABLE ${level.histograms} (
              ${level.start} bigint NOT NULL,
              project_id text NOT NULL,
              api_key_id text NOT NULL,
              model_requested text NOT NULL,
              kind text NOT NULL,
              bucket integer NOT NULL,
              count bigint NOT NULL,
              PRIMARY KEY (${histogramKey(level)})
            )${tableEnd}`,
          )
          .execute(db);
      }
      // Trigger first, then backfill: on PostgreSQL both run in the migration's transaction, and CREATE TRIGGER
      // locks out writers until it commits, so every row is counted once, by one or the other.
      for (const statement of dialect === 'sqlite' ? sqliteTriggerSql() : postgresTriggerSql()) {
        await sql.raw(statement).execute(db);
      }
      for (const level of LEVELS) {
        await sql.raw(rollupUpsertSql('interactions', level)).execute(db);
        await sql.raw(histogramUpsertSql('interactions', level)).execute(db);
      }
    },
  };
}

// SQLite reads `INSERT … SELECT … ON CONFLICT` ambiguously unless the SELECT has a WHERE clause, hence the
// `WHERE true` above and below. The bucket of each value is computed once per level: cheap next to the upserts.
function sqliteTriggerSql(): string[] {
  const body = LEVELS.map((level) => {
    const key = `${periodOf('new.started_at', level)}, new.project_id, new.api_key_id, new.model_requested`;
    return `
      INSERT INTO ${level.rollups} AS r (${rollupKey(level)}, ${MEASURES.join(', ')})
        VALUES (${key}, 1, new.status = 'error', new.prompt_tokens, new.completion_tokens, new.cost_usd,
          new.latency_ms, new.ttft_ms IS NOT NULL, coalesce(new.ttft_ms, 0))
        ON CONFLICT (${rollupKey(level)}) DO UPDATE SET ${addMeasuresSql};
      INSERT INTO ${level.histograms} AS h (${histogramKey(level)}, count)
        VALUES (${key}, 'latency', ${latencyBucketSql('new.latency_ms')}, 1)
        ON CONFLICT (${histogramKey(level)}) DO UPDATE SET count = h.count + 1;
      INSERT INTO ${level.histograms} AS h (${histogramKey(level)}, count)
        SELECT ${key}, 'ttft', ${latencyBucketSql('new.ttft_ms')}, 1 WHERE new.ttft_ms IS NOT NULL
        ON CONFLICT (${histogramKey(level)}) DO UPDATE SET count = h.count + 1;`;
  }).join('');
  return [`CREATE TRIGGER stats_rollups_after_insert AFTER INSERT ON interactions BEGIN ${body} END`];
}

// SET search_path FROM CURRENT: the function keeps resolving the tables of the schema it was created in, whatever
// the search path of the session that inserts.
function postgresTriggerSql(): string[] {
  const body = LEVELS.map(
    (level) => `${rollupUpsertSql('inserted', level)};
      ${histogramUpsertSql('inserted', level)};`,
  ).join('\n');
  return [
    `CREATE FUNCTION stats_rollups_after_insert() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $rollup$
    BEGIN
      ${body}
      RETURN NULL;
    END
    $rollup$`,
    `CREATE TRIGGER stats_rollups_after_insert AFTER INSERT ON interactions
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION stats_rollups_after_insert()`,
  ];
}
