import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Store } from '../../../ports/store.js';
import type { Database } from './database.js';
import { KyselyApiKeyStore } from './kysely-api-key-store.js';
import { KyselyAuditLog } from './kysely-audit-log.js';
import { KyselyInteractionStore } from './kysely-interaction-store.js';
import { KyselyLogRetention } from './kysely-log-retention.js';
import { KyselyProjectStore } from './kysely-project-store.js';
import { KyselySessionStore } from './kysely-session-store.js';
import { KyselyStatsStore } from './kysely-stats-store.js';
import { KyselyUsageLedger } from './kysely-usage-ledger.js';
import { KyselyUserStore } from './kysely-user-store.js';
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
  const users = new KyselyUserStore(db, dialect);
  const sessions = new KyselySessionStore(db, dialect);
  const audit = new KyselyAuditLog(db, dialect);
  const stats = new KyselyStatsStore(db);
  const retention = new KyselyLogRetention(db, dialect);
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
    statsRollup: (query) => stats.statsRollup(query),
    insertUser: (user) => users.insertUser(user),
    getUser: (id) => users.getUser(id),
    findUserByEmail: (email) => users.findUserByEmail(email),
    listUsers: () => users.listUsers(),
    countUsers: () => users.countUsers(),
    updateUser: (id, changes) => users.updateUser(id, changes),
    insertSession: (session) => sessions.insertSession(session),
    findSessionByTokenHash: (tokenHash) => sessions.findSessionByTokenHash(tokenHash),
    touchSession: (id, at) => sessions.touchSession(id, at),
    revokeSession: (id, at) => sessions.revokeSession(id, at),
    revokeUserSessions: (userId, at) => sessions.revokeUserSessions(userId, at),
    purgeSessions: (before) => sessions.purgeSessions(before),
    appendAuditEvent: (event) => audit.appendAuditEvent(event),
    listAuditEvents: (query) => audit.listAuditEvents(query),
    deleteInteractionsBefore: (options) => retention.deleteInteractionsBefore(options),
    eraseEndUser: (options) => retention.eraseEndUser(options),
    listErasures: (filter) => retention.listErasures(filter),
    setProjectRetention: (projectId, days) => retention.setProjectRetention(projectId, days),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
