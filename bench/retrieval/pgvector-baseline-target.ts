import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ruleOfDocument } from './access-scenarios.js';
import { CHUNKS_PER_DOCUMENT, type ClusteredDataset } from './clustered-dataset.js';
import { BENCH_POSTGRES_URL, dropBenchSchema } from './pgvector-target.js';
import type { RetrievalTarget } from './retrieval-target.js';

const SCHEMA = 'slipway_bench_baseline';
const BATCH = 1_000;
const numbers = (list: string): number[] => list.split(',').map((value) => Math.trunc(Number(value)));
/**
 * The `hnsw.ef_search` values the baseline is measured at (BENCH_RETRIEVAL_BASELINE_EF, comma-separated, to try
 * others): pgvector's default 40 first, then costlier walks up to pgvector's maximum, 1,000, so that the adapter is
 * compared with the baseline's whole recall/latency curve rather than with its default alone.
 */
const EF_SEARCH_VALUES = numbers(process.env.BENCH_RETRIEVAL_BASELINE_EF ?? '40,100,200,400,800,1000');
/**
 * The iterative scan's other knob, raised past pgvector's default (20,000) at the last `ef_search`: where the
 * allowed chunks are whole topics far from the query, the walk stops at that many tuples before it reaches them,
 * and only more tuples buy the baseline more recall (BENCH_RETRIEVAL_BASELINE_SCAN_TUPLES, comma-separated).
 */
const DEFAULT_MAX_SCAN_TUPLES = 20_000;
const MAX_SCAN_TUPLES_VALUES = numbers(process.env.BENCH_RETRIEVAL_BASELINE_SCAN_TUPLES ?? '40000,100000');

/** The sweep's points, cheapest first, each named `<ef_search>/<max_scan_tuples>`. */
const SWEEP = [
  ...EF_SEARCH_VALUES.map((efSearch) => ({ efSearch, maxScanTuples: DEFAULT_MAX_SCAN_TUPLES })),
  ...MAX_SCAN_TUPLES_VALUES.map((maxScanTuples) => ({
    efSearch: EF_SEARCH_VALUES.at(-1) ?? 40,
    maxScanTuples,
  })),
].map((point) => ({ ...point, name: `${point.efSearch}/${point.maxScanTuples}` }));

/**
 * The baseline of issue 6: pgvector as a team would set it up without Slipway. One table, each chunk carrying
 * its document's groups, an HNSW index, the filter in the WHERE clause and `hnsw.iterative_scan` on, with
 * pgvector's defaults otherwise (max_scan_tuples 20,000). Sequential scans are off so that every query is the HNSW
 * walk the baseline stands for. Measured at several `hnsw.ef_search` values (the sweep), 40 first, then at more
 * scanned tuples.
 */
export function pgvectorBaselineTarget(): RetrievalTarget {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, application_name: 'slipway-bench' });
  let extensionSchema = '"public"';
  let vectorType = 'vector';
  const applyPoint = async (name: string): Promise<void> => {
    const point = SWEEP.find((candidate) => candidate.name === name);
    if (!point) throw new Error(`No baseline sweep point ${name}`);
    await client.query(`SET hnsw.ef_search = ${point.efSearch}`);
    await client.query(`SET hnsw.max_scan_tuples = ${point.maxScanTuples}`);
  };
  return {
    name: 'pgvector-baseline',
    baseline: true,
    async load(dataset: ClusteredDataset) {
      await dropBenchSchema(SCHEMA);
      await client.connect();
      const loadStarted = performance.now();
      await client.query('CREATE EXTENSION IF NOT EXISTS vector SCHEMA public');
      const extension = await client.query<{ schema: string }>(
        `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'vector'`,
      );
      extensionSchema = `"${extension.rows[0]?.schema ?? 'public'}"`;
      vectorType = `${extensionSchema}.vector(${dataset.dimension})`;
      await client.query(`CREATE SCHEMA ${SCHEMA}`);
      await client.query(
        `CREATE TABLE ${SCHEMA}.chunks (key text PRIMARY KEY, groups text[] NOT NULL, embedding ${vectorType} NOT NULL)`,
      );
      const { dimension, vectors } = dataset;
      for (let start = 0; start < dataset.chunkCount; start += BATCH) {
        const keys: string[] = [];
        const groups: string[] = [];
        const embeddings: string[] = [];
        for (let chunk = start; chunk < Math.min(start + BATCH, dataset.chunkCount); chunk += 1) {
          const position = Math.floor(chunk / CHUNKS_PER_DOCUMENT);
          keys.push(`d${position}#${chunk % CHUNKS_PER_DOCUMENT}`);
          const rule = ruleOfDocument(dataset.documents[position] as { cluster: number; group: number });
          groups.push(`{${rule.groups.join(',')}}`);
          embeddings.push(`[${vectors.subarray(chunk * dimension, (chunk + 1) * dimension).join(',')}]`);
        }
        await client.query(
          `INSERT INTO ${SCHEMA}.chunks SELECT key, groups::text[], embedding::${vectorType}
             FROM unnest($1::text[], $2::text[], $3::text[]) AS input(key, groups, embedding)`,
          [keys, groups, embeddings],
        );
      }
      const loadSeconds = (performance.now() - loadStarted) / 1_000;
      const prepareStarted = performance.now();
      await client.query(`SET maintenance_work_mem = '1GB'`);
      await client.query(
        `CREATE INDEX ON ${SCHEMA}.chunks USING hnsw (embedding ${extensionSchema}.vector_cosine_ops)`,
      );
      await client.query(`VACUUM ANALYZE ${SCHEMA}.chunks`);
      await client.query(`SET hnsw.iterative_scan = relaxed_order`);
      await client.query(`SET enable_seqscan = off`);
      await applyPoint(SWEEP[0]?.name ?? '');
      return { loadSeconds, prepareSeconds: (performance.now() - prepareStarted) / 1_000 };
    },
    async search(query, k, filter) {
      const groups = [...filter.groups];
      const found = await client.query<{ key: string }>(
        `SELECT key FROM (
           SELECT key, embedding <=> $1::${vectorType} AS distance FROM ${SCHEMA}.chunks
            WHERE groups && $2::text[] ORDER BY distance LIMIT $3) nearest
          ORDER BY distance`,
        [`[${query.join(',')}]`, groups, k],
      );
      return { keys: found.rows.map((row) => row.key), path: 'hnsw' };
    },
    sweep: {
      setting: 'hnsw.ef_search/hnsw.max_scan_tuples',
      values: SWEEP.map((point) => point.name),
      apply: applyPoint,
    },
    async close() {
      await client.end().catch(() => undefined);
      await dropBenchSchema(SCHEMA);
    },
  };
}
