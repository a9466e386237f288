import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
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
import { findTextInSqlite } from '../../../../test/contract/sqlite-text-scan.js';
import { describeStoreContract } from '../../../../test/contract/store.contract.js';
import { describeJobOutboxContract } from '../../../../test/contract/job-outbox.contract.js';
import { openSqliteOutboxUnderTest } from '../../../../test/contract/sqlite-outbox-writer.js';
import { describeWorkerRegistryContract } from '../../../../test/contract/worker-registry.contract.js';
import { aCharge, anInteraction, aProject } from '../../../../test/contract/store-fixtures.js';
import { openSqliteStore } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-sqlite-store-'));
let files = 0;
const freshPath = (): string => join(directory, `store-${++files}`, 'nested', 'slipway.db');

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describeStoreContract('sqlite :memory:', () => openSqliteStore({ path: ':memory:' }));
describeStoreContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeLogRetentionContract('sqlite file', async () => {
  const path = freshPath();
  const store = await openSqliteStore({ path });
  return { store, findText: (needle) => Promise.resolve(findTextInSqlite(path, needle)) };
});
describePeopleContract('sqlite :memory:', () => openSqliteStore({ path: ':memory:' }));
describeEndUserDirectoryContract('sqlite :memory:', () => openSqliteStore({ path: ':memory:' }));
describeAuditChainContract('sqlite file', async () => {
  const path = freshPath();
  const store = await openSqliteStore({ path });
  return {
    store,
    tamper: (statement) => {
      const database = new BetterSqlite3(path);
      try {
        database.exec(statement);
      } finally {
        database.close();
      }
      return Promise.resolve();
    },
  };
});
describePeopleContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describePromptRegistryContract('sqlite :memory:', () => openSqliteStore({ path: ':memory:' }));
describePromptRegistryContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeStatsContract('sqlite :memory:', () => openSqliteStore({ path: ':memory:' }));
describeInteractionSearch('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeJobOutboxContract('sqlite file', () => openSqliteOutboxUnderTest(freshPath()));
describeBatchStoreContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeDocumentCatalogContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeFileBlobStoreContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeVectorStoreFileStoreContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeWorkerRegistryContract('sqlite file', () => openSqliteStore({ path: freshPath() }));
describeBreakerStoreContract('sqlite file', () => openSqliteStore({ path: freshPath() }));

describe('sqlite store on a file', () => {
  it('keeps data across reopening, migrating only once, in WAL mode', async () => {
    const path = freshPath();
    const first = await openSqliteStore({ path });
    await first.createProject(aProject());
    await first.appendInteractions([anInteraction()]);
    await first.close();
    const second = await openSqliteStore({ path });
    await expect(second.getProject('prj_1')).resolves.toEqual(aProject());
    await expect(second.getInteraction('int_1')).resolves.toEqual(anInteraction());
    await second.close();
    const database = new BetterSqlite3(path, { readonly: true });
    try {
      expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
      const applied = database.prepare('select name from kysely_migration').pluck().all() as string[];
      expect(applied[0]).toBe('0001-initial');
      expect(new Set(applied).size).toBe(applied.length);
    } finally {
      database.close();
    }
  });

  it('refuses a database migrated by a newer version', async () => {
    const path = freshPath();
    await (await openSqliteStore({ path })).close();
    const database = new BetterSqlite3(path);
    database
      .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
      .run('9999-future', 'now');
    database.close();
    await expect(openSqliteStore({ path })).rejects.toThrow('Database migration failed');
  });

  it('shares budgets between processes without granting past the limit', async () => {
    const path = freshPath();
    const charge = aCharge({ counter: 'key:shared:rpm', limit: 100, amount: 1 });
    await (await openSqliteStore({ path })).close();
    const grantedPerProcess = await Promise.all(
      [1, 2, 3, 4].map((worker) => reserveInChildProcess({ path, worker, count: 60, charge })),
    );
    expect(grantedPerProcess.reduce((sum, granted) => sum + granted, 0)).toBe(100);
    const store = await openSqliteStore({ path });
    await expect(store.usage([charge])).resolves.toEqual([100]);
    await store.close();
  }, 60_000);
});

const run = promisify(execFile);
const storeModule = fileURLToPath(new URL('./index.ts', import.meta.url));

/** Reserves `count` times concurrently from a separate Node process; resolves to how many were granted. */
async function reserveInChildProcess(options: {
  path: string;
  worker: number;
  count: number;
  charge: ReturnType<typeof aCharge>;
}): Promise<number> {
  const program = `
    const { openSqliteStore } = await import(${JSON.stringify(storeModule)});
    const store = await openSqliteStore({ path: ${JSON.stringify(options.path)} });
    const outcomes = await Promise.all(Array.from({ length: ${options.count} }, (_, index) =>
      store.reserve('res_${options.worker}_' + index, [${JSON.stringify(options.charge)}])));
    await store.close();
    process.stdout.write(String(outcomes.filter((outcome) => outcome.granted).length));
  `;
  const { stdout } = await run(process.execPath, [
    '--import',
    'tsx',
    '--input-type=module',
    '--eval',
    program,
  ]);
  return Number(stdout);
}
