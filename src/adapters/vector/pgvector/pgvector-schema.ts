import type pg from 'pg';
import { SlipwayError } from '../../../core/errors.js';
import { quoted, type PgvectorNames } from './pgvector-names.js';
import { setOf } from './pgvector-rule-predicate.js';

const SCHEMA_VERSION = 4;

/**
 * The principal's settings, read by the row-level security policies. The adapter sets them with
 * `set_config(…, true)`, so they live only as long as the search's transaction.
 */
export const PRINCIPAL_SETTINGS = Object.freeze({
  user: 'slipway.principal_user',
  groups: 'slipway.principal_groups',
  roles: 'slipway.principal_roles',
  readable: 'slipway.principal_readable',
});

/**
 * Whether the principal in the transaction's settings may read a row of `documents` (under the given alias).
 * Written into each policy rather than called as a function: PostgreSQL inlines neither a function holding
 * sub-selects nor one it cannot see through, and an opaque per-row call would forbid the rule indexes. Each
 * setting is read in its own sub-select, so that it becomes an InitPlan evaluated once per statement. No settings
 * at all (a query that forgot to set them) reads nothing: a non-empty readable list is required.
 */
function principalMayRead(alias: string): string {
  const setting = (name: string, cast = ''): string => `(SELECT current_setting('${name}', true)${cast})`;
  return `(coalesce(${setting(PRINCIPAL_SETTINGS.readable)} <> '', false)
    AND (${alias}.allow_everyone
      OR ${alias}.allow_users @> ARRAY[(SELECT nullif(current_setting('${PRINCIPAL_SETTINGS.user}', true), ''))]
      OR ${alias}.allow_groups && ${setting(PRINCIPAL_SETTINGS.groups, '::text[]')}
      OR ${alias}.allow_roles && ${setting(PRINCIPAL_SETTINGS.roles, '::text[]')})
    AND (${alias}.classification IS NULL
      OR ${alias}.classification = ANY (${setting(PRINCIPAL_SETTINGS.readable, '::text[]')}::text[])))`;
}

/**
 * Version 2's form of `principalMayRead` (version 3 creates it again): group and role lists as jsonb objects built
 * once per statement, tested with `?|` (see pgvector-rule-predicate.ts for why), and, on `chunks`, the row's own
 * copy of its document's rule.
 */
function principalMayReadRow(alias: string): string {
  const setting = (name: string): string => `(SELECT current_setting('${name}', true))`;
  const listOf = (name: string): string => setOf(`nullif(current_setting('${name}', true), '')::text[]`);
  return `(coalesce(${setting(PRINCIPAL_SETTINGS.readable)} <> '', false)
    AND (${alias}.allow_everyone
      OR ${alias}.allow_users @> ARRAY[(SELECT nullif(current_setting('${PRINCIPAL_SETTINGS.user}', true), ''))]
      OR ${listOf(PRINCIPAL_SETTINGS.groups)} ?| ${alias}.allow_groups
      OR ${listOf(PRINCIPAL_SETTINGS.roles)} ?| ${alias}.allow_roles)
    AND (${alias}.classification IS NULL
      OR ${alias}.classification = ANY ((SELECT nullif(current_setting('${PRINCIPAL_SETTINGS.readable}', true), ''))::text[])))`;
}

/** Version 1: collections, documents with their access rules, chunks with vectors, RLS on both. */
function versionOne(names: PgvectorNames): string[] {
  const { schema, extension, role } = names;
  return [
    `CREATE TABLE ${schema}.collections (
       id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       name text NOT NULL UNIQUE,
       dimension integer NOT NULL,
       documents integer NOT NULL DEFAULT 0,
       chunks bigint NOT NULL DEFAULT 0)`,
    `CREATE TABLE ${schema}.documents (
       collection_id integer NOT NULL REFERENCES ${schema}.collections (id) ON DELETE CASCADE,
       document_id text NOT NULL,
       allow_everyone boolean NOT NULL,
       allow_users text[] NOT NULL,
       allow_groups text[] NOT NULL,
       allow_roles text[] NOT NULL,
       classification text,
       chunk_count integer NOT NULL,
       PRIMARY KEY (collection_id, document_id))`,
    // The rule indexes: every way a rule can name a principal has one, so the allowed documents of a principal
    // are a BitmapOr of index lookups, whoever they are.
    `CREATE INDEX documents_everyone ON ${schema}.documents (collection_id) WHERE allow_everyone`,
    `CREATE INDEX documents_users ON ${schema}.documents USING gin (allow_users)`,
    `CREATE INDEX documents_groups ON ${schema}.documents USING gin (allow_groups)`,
    `CREATE INDEX documents_roles ON ${schema}.documents USING gin (allow_roles)`,
    // Untyped `vector`: collections differ in dimension; each has a partial HNSW index over a cast to its own.
    `CREATE TABLE ${schema}.chunks (
       collection_id integer NOT NULL,
       document_id text NOT NULL,
       chunk_index integer NOT NULL,
       text text NOT NULL,
       embedding ${extension}.vector NOT NULL,
       PRIMARY KEY (collection_id, document_id, chunk_index),
       FOREIGN KEY (collection_id, document_id)
         REFERENCES ${schema}.documents (collection_id, document_id) ON DELETE CASCADE)`,
    `ALTER TABLE ${schema}.documents ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${schema}.documents FORCE ROW LEVEL SECURITY`,
    `ALTER TABLE ${schema}.chunks ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${schema}.chunks FORCE ROW LEVEL SECURITY`,
    // The adapter's own connection writes; FORCE would otherwise deny even the owner when it is no superuser.
    `CREATE POLICY documents_writer ON ${schema}.documents FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    `CREATE POLICY chunks_writer ON ${schema}.chunks FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    `CREATE POLICY documents_reader ON ${schema}.documents FOR SELECT TO ${role} USING (${principalMayRead('documents')})`,
    `CREATE POLICY chunks_reader ON ${schema}.chunks FOR SELECT TO ${role} USING (EXISTS (
       SELECT 1 FROM ${schema}.documents governing
       WHERE governing.collection_id = chunks.collection_id AND governing.document_id = chunks.document_id
         AND ${principalMayRead('governing')}))`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `GRANT SELECT ON ${schema}.collections, ${schema}.documents, ${schema}.chunks TO ${role}`,
  ];
}

/**
 * Version 2: each chunk row carries a copy of its document's rule, so that the chunks policy and every search's
 * filter are per-row checks on the row itself. Version 1's policy (an EXISTS on the governing document) became a
 * hashed sub-plan that evaluated the rule of every allowed document before an HNSW walk could start: 665–825 ms at
 * 50 % selectivity over 20,000 chunks, for a walk of 2–6 ms. The documents keep their rule too: the planner counts
 * allowed chunks there, through the rule indexes. Writers change both in one statement.
 */
function versionTwo(names: PgvectorNames): string[] {
  const { schema, role } = names;
  return [
    `ALTER TABLE ${schema}.chunks
       ADD COLUMN allow_everyone boolean, ADD COLUMN allow_users text[], ADD COLUMN allow_groups text[],
       ADD COLUMN allow_roles text[], ADD COLUMN classification text`,
    `UPDATE ${schema}.chunks ch
        SET allow_everyone = d.allow_everyone, allow_users = d.allow_users, allow_groups = d.allow_groups,
            allow_roles = d.allow_roles, classification = d.classification
       FROM ${schema}.documents d
      WHERE d.collection_id = ch.collection_id AND d.document_id = ch.document_id`,
    `ALTER TABLE ${schema}.chunks
       ALTER COLUMN allow_everyone SET NOT NULL, ALTER COLUMN allow_users SET NOT NULL,
       ALTER COLUMN allow_groups SET NOT NULL, ALTER COLUMN allow_roles SET NOT NULL`,
    `DROP POLICY documents_reader ON ${schema}.documents`,
    `CREATE POLICY documents_reader ON ${schema}.documents FOR SELECT TO ${role}
       USING (${principalMayReadRow('documents')})`,
    `DROP POLICY chunks_reader ON ${schema}.chunks`,
    `CREATE POLICY chunks_reader ON ${schema}.chunks FOR SELECT TO ${role} USING (${principalMayReadRow('chunks')})`,
  ];
}

/**
 * Version 3: `collections.version`, raised by every write to the collection in the write's own transaction, so
 * that a search can reuse the allowed-chunk count of an earlier search for the same principal while the version
 * is unchanged (the count scans every document of the collection: 3–6 ms at 10,000 documents). The reader
 * policies are created again with the cheaper group and role set of `setOf` (`jsonb_object`, not
 * `jsonb_object_agg`). Re-runnable: a schema put back to version 2 by hand upgrades again.
 */
function versionThree(names: PgvectorNames): string[] {
  const { schema, role } = names;
  return [
    `ALTER TABLE ${schema}.collections ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0`,
    `DROP POLICY documents_reader ON ${schema}.documents`,
    `CREATE POLICY documents_reader ON ${schema}.documents FOR SELECT TO ${role}
       USING (${principalMayReadRow('documents')})`,
    `DROP POLICY chunks_reader ON ${schema}.chunks`,
    `CREATE POLICY chunks_reader ON ${schema}.chunks FOR SELECT TO ${role} USING (${principalMayReadRow('chunks')})`,
  ];
}

/**
 * Version 4: `documents.centroid`, the mean of the document's unit-length chunk vectors (its direction is what a
 * cosine search compares), written with the chunks. The documents path of the planner ranks a principal's allowed
 * documents by it and compares only the chunks of the nearest (see pgvector-search.ts). Untyped like the chunks'
 * `embedding`; pgvector leaves a zero vector as it is under `l2_normalize`, and so out of the mean's direction.
 */
function versionFour(names: PgvectorNames): string[] {
  const { schema, extension } = names;
  return [
    `ALTER TABLE ${schema}.documents ADD COLUMN IF NOT EXISTS centroid ${extension}.vector`,
    `UPDATE ${schema}.documents d
        SET centroid = (SELECT ${extension}.avg(${extension}.l2_normalize(ch.embedding))
                          FROM ${schema}.chunks ch
                         WHERE ch.collection_id = d.collection_id AND ch.document_id = d.document_id)`,
  ];
}

/**
 * Creates the extension, the retrieval role and the adapter's tables, or brings an older schema up to date.
 * Runs under an advisory lock, so that processes opening the same database at once do it one at a time.
 */
export async function migratePgvectorSchema(
  client: pg.PoolClient,
  names: Omit<PgvectorNames, 'extension'>,
): Promise<PgvectorNames> {
  await client.query('BEGIN');
  try {
    // One lock for the whole cluster-wide part (extension, role) and this schema's tables.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('slipway.pgvector'))`);
    // Into `public`, never the adapter's schema: dropping that schema must not take the type from other users.
    await client.query('CREATE EXTENSION IF NOT EXISTS vector SCHEMA public');
    const extension = await client.query<{ schema: string }>(
      `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'vector'`,
    );
    const full: PgvectorNames = { ...names, extension: quoted(extension.rows[0]?.schema ?? 'public') };
    await client.query(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${unquoted(names.role)}') THEN
           CREATE ROLE ${names.role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
         END IF;
       END $$`,
    );
    await refuseBypassingRole(client, names.role);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.schema}.schema_version (version integer NOT NULL)`,
    );
    const current = await client.query<{ version: number }>(
      `SELECT max(version) AS version FROM ${names.schema}.schema_version`,
    );
    const version = current.rows[0]?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new SlipwayError(
        'internal_error',
        `The vector schema ${names.schema} is at version ${version}, newer than this Slipway (${SCHEMA_VERSION})`,
      );
    }
    if (version < 1) {
      for (const statement of versionOne(full)) await client.query(statement);
      await client.query(`INSERT INTO ${names.schema}.schema_version (version) VALUES (1)`);
    }
    if (version < 2) {
      for (const statement of versionTwo(full)) await client.query(statement);
      await client.query(`INSERT INTO ${names.schema}.schema_version (version) VALUES (2)`);
    }
    if (version < 3) {
      for (const statement of versionThree(full)) await client.query(statement);
      await client.query(`INSERT INTO ${names.schema}.schema_version (version) VALUES (3)`);
    }
    if (version < 4) {
      for (const statement of versionFour(full)) await client.query(statement);
      await client.query(`INSERT INTO ${names.schema}.schema_version (version) VALUES (4)`);
    }
    await client.query('COMMIT');
    return Object.freeze(full);
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Superusers and BYPASSRLS roles skip every policy, so searches under such a role would have one wall, not two.
 * Checked before anything is granted to it, inside the migration's transaction.
 */
async function refuseBypassingRole(client: pg.PoolClient, role: string): Promise<void> {
  const found = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
    'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1',
    [unquoted(role)],
  );
  const row = found.rows[0];
  if (!row || row.rolsuper || row.rolbypassrls) {
    throw new SlipwayError(
      'invalid_request',
      `Role ${unquoted(role)} can bypass row-level security (superuser or BYPASSRLS); searches must not run as it`,
      { param: 'role' },
    );
  }
}

const unquoted = (identifier: string): string => identifier.slice(1, -1);
