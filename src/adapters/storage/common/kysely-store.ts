import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Store } from '../../../ports/store.js';
import type { Database } from './database.js';
import { KyselyApiKeyStore } from './kysely-api-key-store.js';
import { KyselyInteractionStore } from './kysely-interaction-store.js';
import { KyselyProjectStore } from './kysely-project-store.js';
import { KyselyUsageLedger } from './kysely-usage-ledger.js';
import type { StorageDialect } from './storage-dialect.js';

/**
 * The Store on an already migrated database. The queries are written once with Kysely; `dialect` holds the
 * little that differs between SQLite and PostgreSQL.
 */
export function createKyselyStore(db: Kysely<Database>, dialect: StorageDialect): Store {
  const projects = new KyselyProjectStore(db, dialect);
  const apiKeys = new KyselyApiKeyStore(db, dialect);
  const interactions = new KyselyInteractionStore(db, dialect);
  const ledger = new KyselyUsageLedger(db);
  let closing: Promise<void> | undefined;
  return {
    kind: dialect.kind,
    createProject: (project) => projects.createProject(project),
    getProject: (id) => projects.getProject(id),
    findProjectByName: (name) => projects.findProjectByName(name),
    listProjects: () => projects.listProjects(),
    insertApiKey: (key) => apiKeys.insertApiKey(key),
    findApiKeyByHash: (secretHash) => apiKeys.findApiKeyByHash(secretHash),
    getApiKey: (id) => apiKeys.getApiKey(id),
    listApiKeys: (filter) => apiKeys.listApiKeys(filter),
    revokeApiKey: (id, at) => apiKeys.revokeApiKey(id, at),
    appendInteractions: (records) => interactions.appendInteractions(records),
    listInteractions: (query) => interactions.listInteractions(query),
    getInteraction: (id) => interactions.getInteraction(id),
    reserve: (reservationId, charges) => ledger.reserve(reservationId, charges),
    settle: (reservationId, actual) => ledger.settle(reservationId, actual),
    release: (reservationId) => ledger.release(reservationId),
    usage: (counters) => ledger.usage(counters),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
