import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAuditChainContract } from '../../../../test/contract/audit-chain.contract.js';
import { describeBatchStoreContract } from '../../../../test/contract/batch-store.contract.js';
import { describeEndUserDirectoryContract } from '../../../../test/contract/end-user-directory.contract.js';
import { describeBreakerStoreContract } from '../../../../test/contract/breaker-store.contract.js';
import { describeDocumentCatalogContract } from '../../../../test/contract/document-catalog.contract.js';
import { describeFileBlobStoreContract } from '../../../../test/contract/file-blob-store.contract.js';
import { describeVectorStoreFileStoreContract } from '../../../../test/contract/vector-store-file-store.contract.js';
import { describeInteractionSearch } from '../../../../test/contract/interaction-search.contract.js';
import { describeStatsContract } from '../../../../test/contract/stats.contract.js';
import { describePeopleContract } from '../../../../test/contract/people.contract.js';
import { describePromptRegistryContract } from '../../../../test/contract/prompt-registry.contract.js';
import { describeLogRetentionContract } from '../../../../test/contract/log-retention.contract.js';
import { recycledSchema } from '../../../../test/contract/postgres-schema-recycler.js';
import { findTextInPostgres } from '../../../../test/contract/postgres-text-scan.js';
import { describeStoreContract } from '../../../../test/contract/store.contract.js';
import { describeJobOutboxContract } from '../../../../test/contract/job-outbox.contract.js';
import { openPostgresOutboxUnderTest } from '../../../../test/contract/postgres-outbox-writer.js';
import { describeWorkerRegistryContract } from '../../../../test/contract/worker-registry.contract.js';
import { aCharge, anAttempt, anInteraction } from '../../../../test/contract/store-fixtures.js';
import type { Store } from '../../../ports/store.js';
import { openPostgresStore } from './index.js';

const url = process.env.SLIPWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = `slipway_test_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
// Dropping waits for the catalog locks of the other files' schemas being created and dropped beside this one.
const DROP_TIMEOUT_MS = 180_000;

/** A schema of its own for one test, dropped when the file is done. */
function freshSchema(): string {
  const schema = `${run}_${schemas.length}`;
  schemas.push(schema);
  return schema;
}

/** A schema for the tests of one contract, each finding it freshly migrated (see `recycledSchema`). */
function contractSchema(): () => Promise<string> {
  const recycled = recycledSchema(url, `${run}_${schemas.length}`);
  schemas.push(...recycled.schemas);
  return recycled.next;
}

/** Opens each test's store on the contract's schema. */
function contractStore(): () => Promise<Store> {
  const next = contractSchema();
  return async () => openPostgresStore({ url, schema: await next(), poolSize: 8 });
}

afterAll(async () => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}, DROP_TIMEOUT_MS);

describeStoreContract('postgres', contractStore());
const logRetentionSchema = contractSchema();
describeLogRetentionContract('postgres', async () => {
  const schema = await logRetentionSchema();
  const store = await openPostgresStore({ url, schema, poolSize: 8 });
  return { store, findText: (needle) => findTextInPostgres({ url, schema, needle }) };
});
describePeopleContract('postgres', contractStore());
describeEndUserDirectoryContract('postgres', contractStore());
const auditChainSchema = contractSchema();
describeAuditChainContract('postgres', async () => {
  const schema = await auditChainSchema();
  const store = await openPostgresStore({ url, schema, poolSize: 8 });
  return {
    store,
    tamper: async (statement) => {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    },
  };
});
describePromptRegistryContract('postgres', contractStore());
describeStatsContract('postgres', contractStore());
describeInteractionSearch('postgres', contractStore());
const jobOutboxSchema = contractSchema();
describeJobOutboxContract('postgres', async () =>
  openPostgresOutboxUnderTest({ url, schema: await jobOutboxSchema() }),
);
describeBatchStoreContract('postgres', contractStore());
describeDocumentCatalogContract('postgres', contractStore());
describeFileBlobStoreContract('postgres', contractStore());
describeVectorStoreFileStoreContract('postgres', contractStore());
describeWorkerRegistryContract('postgres', contractStore());
describeBreakerStoreContract('postgres', contractStore());

describe('postgres store', () => {
  it('fails to open when PostgreSQL is unreachable', async () => {
    await expect(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow();
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openPostgresStore({ url, schema: 'public; drop table x' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('lets several processes open one schema at once and share budgets exactly', async () => {
    const schema = freshSchema();
    const stores: Store[] = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore({ url, schema, poolSize: 5 })),
    );
    try {
      const charge = aCharge({ counter: 'key:shared:rpm', limit: 75, amount: 1 });
      const outcomes = await Promise.all(
        Array.from({ length: 240 }, (_, index) => {
          const store = stores[index % stores.length] as Store;
          return store.reserve(`res_${index}`, [charge]);
        }),
      );
      expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(75);
      for (const store of stores) await expect(store.usage([charge])).resolves.toEqual([75]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('stores JSON as JSONB and times as BIGINT', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore({ url, schema });
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns
          where table_schema = $1 and table_name = 'interactions' and column_name in ('request', 'started_at')
          order by column_name`,
        [schema],
      );
      expect(rows).toEqual([
        { column_name: 'request', data_type: 'jsonb' },
        { column_name: 'started_at', data_type: 'bigint' },
      ]);
    } finally {
      await client.end();
    }
  });

  it('round-trips texts holding what COPY reads as separators, escapes and markers', async () => {
    const store = await openPostgresStore({ url, schema: freshSchema() });
    try {
      const awkward = 'tab\there\nnew line\r\\N \\. C:\\dir\\ end\\';
      const record = anInteraction({
        id: 'int_awkward',
        endUser: awkward,
        variant: '',
        errorMessage: '\\N',
        request: { text: awkward, nested: ['\\', '\t', '"quoted"'] },
        response: awkward,
        retrievedDocuments: [{ text: '\\.' }],
        attempts: [anAttempt({ errorMessage: awkward, errorCode: '\\N' })],
      });
      await store.appendInteractions([record]);
      await expect(store.getInteraction('int_awkward')).resolves.toEqual(record);
    } finally {
      await store.close();
    }
  });

  it('takes the next batch on a connection whose batch failed, without any of the failed rows', async () => {
    const store = await openPostgresStore({ url, schema: freshSchema(), poolSize: 1 });
    try {
      const broken = anInteraction({ id: 'int_broken', modelRequested: null as unknown as string });
      await expect(store.appendInteractions([anInteraction({ id: 'int_first' }), broken])).rejects.toThrow();
      await store.appendInteractions([anInteraction({ id: 'int_next' })]);
      const page = await store.listInteractions({ limit: 10 });
      expect(page.items.map((item) => item.id)).toEqual(['int_next']);
    } finally {
      await store.close();
    }
  });

  it('stores each record and attempt once when several processes append the same batches at once', async () => {
    const schema = freshSchema();
    const stores: Store[] = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore({ url, schema, poolSize: 2 })),
    );
    const batches = Array.from({ length: 4 }, (_, batch) =>
      Array.from({ length: 150 }, (_, index) =>
        anInteraction({
          id: `int_${batch}_${index}`,
          attempts: [anAttempt({ index: 0, status: 'error' }), anAttempt({ index: 1 })],
        }),
      ),
    );
    try {
      await Promise.all(stores.flatMap((store) => batches.map((batch) => store.appendInteractions(batch))));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ interactions: string; attempts: string }>(
        `select (select count(*) from "${schema}".interactions) as interactions,
                (select count(*) from "${schema}".attempts) as attempts`,
      );
      expect(rows).toEqual([{ interactions: '600', attempts: '1200' }]);
    } finally {
      await client.end();
    }
  });
});

describe('postgres audit chain across processes', () => {
  it('keeps one chain when two stores (two pools, as two API processes) append at once', async () => {
    const schema = freshSchema();
    const first = await openPostgresStore({ url, schema, poolSize: 4 });
    const second = await openPostgresStore({ url, schema, poolSize: 4 });
    try {
      await Promise.all(
        Array.from({ length: 80 }, (_, index) =>
          (index % 2 === 0 ? first : second).appendAuditEvent({
            id: `aud_${index}`,
            at: 1_700_000_000_000 + (index % 7),
            actor: { kind: 'api_key', id: 'key_1', label: 'key_1' },
            action: 'retrieval.search',
            target: 'handbook',
            outcome: 'success',
            detail: { endUser: `u-${index % 3}`, documents: [`handbook/doc_${index % 5}`] },
          }),
        ),
      );
      await expect(first.verifyAuditChain()).resolves.toEqual({ ok: true, checked: 80 });
      const page = await second.listAuditEvents({ limit: 100, subject: 'u-1', document: 'handbook/doc_2' });
      expect(page.items.map((event) => event.id).sort()).toEqual(
        Array.from({ length: 80 }, (_, index) => index)
          .filter((index) => index % 3 === 1 && index % 5 === 2)
          .map((index) => `aud_${index}`)
          .sort(),
      );
    } finally {
      await first.close();
      await second.close();
    }
  });
});
