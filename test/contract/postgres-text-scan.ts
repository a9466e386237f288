import pg from 'pg';

/**
 * Where `needle` (lower case) appears in the PostgreSQL schema: each base table whose rows, cast to text, hold it
 * (generated tsvector columns included), and the planner statistics of the schema's columns (ANALYZE keeps
 * sampled values there). Returns the places found, e.g. `['table interactions']`.
 */
export async function findTextInPostgres(options: {
  url: string;
  schema: string;
  needle: string;
}): Promise<string[]> {
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    const found: string[] = [];
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [options.schema],
    );
    for (const { table_name: table } of tables.rows) {
      const hits = await client.query<{ hits: string }>(
        `SELECT count(*) AS hits FROM "${options.schema}"."${table}" AS row WHERE strpos(lower(row::text), $1) > 0`,
        [options.needle],
      );
      if (Number(hits.rows[0]?.hits) > 0) found.push(`table ${table}`);
    }
    const statistics = await client.query<{ hits: string }>(
      `SELECT count(*) AS hits FROM pg_stats
        WHERE schemaname = $1
          AND strpos(lower(coalesce(most_common_vals::text, '') || coalesce(histogram_bounds::text, '') ||
                     coalesce(most_common_elems::text, '')), $2) > 0`,
      [options.schema, options.needle],
    );
    if (Number(statistics.rows[0]?.hits) > 0) found.push('pg_stats');
    return found;
  } finally {
    await client.end();
  }
}
