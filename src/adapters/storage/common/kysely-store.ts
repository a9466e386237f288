import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Store } from '../../../ports/store.js';
import type { Database } from './database.js';
import { KyselyApiKeyStore } from './kysely-api-key-store.js';
import { KyselyAuditLog } from './kysely-audit-log.js';
import { KyselyBatchStore } from './kysely-batch-store.js';
import { KyselyEndUserDirectory } from './kysely-end-user-directory.js';
import { KyselyDocumentCatalog } from './kysely-document-catalog.js';
import { KyselyBreakerStore } from './kysely-breaker-store.js';
import { KyselyInteractionStore } from './kysely-interaction-store.js';
import { KyselyJobOutbox } from './kysely-job-outbox.js';
import { KyselyLogRetention } from './kysely-log-retention.js';
import { KyselyProjectStore } from './kysely-project-store.js';
import { KyselyPromptRegistry } from './kysely-prompt-registry.js';
import { KyselySessionStore } from './kysely-session-store.js';
import { KyselyStatsStore } from './kysely-stats-store.js';
import { KyselyUsageLedger } from './kysely-usage-ledger.js';
import { KyselyUserStore } from './kysely-user-store.js';
import { KyselyWorkerRegistry } from './kysely-worker-registry.js';
import { KyselyFileBlobStore } from './kysely-file-blob-store.js';
import { KyselyVectorStoreFileStore } from './kysely-vector-store-file-store.js';
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
  const outbox = new KyselyJobOutbox(db);
  const prompts = new KyselyPromptRegistry(db, dialect);
  const workers = new KyselyWorkerRegistry(db);
  const batches = new KyselyBatchStore(db, dialect);
  const endUsers = new KyselyEndUserDirectory(db, dialect);
  const documents = new KyselyDocumentCatalog(db, dialect);
  const breakers = new KyselyBreakerStore(db);
  const fileBlobs = new KyselyFileBlobStore(db, dialect);
  const vectorStoreFiles = new KyselyVectorStoreFileStore(db);
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
    verifyAuditChain: () => audit.verifyAuditChain(),
    getEndUser: (id) => endUsers.getEndUser(id),
    listEndUsers: (query) => endUsers.listEndUsers(query),
    putEndUser: (user, at) => endUsers.putEndUser(user, at),
    deleteEndUser: (id) => endUsers.deleteEndUser(id),
    syncEndUsers: (request) => endUsers.syncEndUsers(request),
    listEndUserGroups: () => endUsers.listEndUserGroups(),
    putEndUserGroup: (group) => endUsers.putEndUserGroup(group),
    deleteEndUserGroup: (name) => endUsers.deleteEndUserGroup(name),
    deleteInteractionsBefore: (options) => retention.deleteInteractionsBefore(options),
    eraseEndUser: (options) => retention.eraseEndUser(options),
    listErasures: (filter) => retention.listErasures(filter),
    setProjectRetention: (projectId, days) => retention.setProjectRetention(projectId, days),
    claimUnpublished: (limit) => outbox.claimUnpublished(limit),
    markPublished: (ids, at) => outbox.markPublished(ids, at),
    purgePublished: (before) => outbox.purgePublished(before),
    addVersion: (input) => prompts.addVersion(input),
    getVersion: (name, selector) => prompts.getVersion(name, selector),
    getLabelled: (name, label) => prompts.getLabelled(name, label),
    listPrompts: () => prompts.listPrompts(),
    listVersions: (name) => prompts.listVersions(name),
    getLabels: (name) => prompts.getLabels(name),
    moveLabel: (request) => prompts.moveLabel(request),
    listLabelMoves: (name, label) => prompts.listLabelMoves(name, label),
    saveTestRun: (run) => prompts.saveTestRun(run),
    getTestRun: (id) => prompts.getTestRun(id),
    listTestRuns: (name, version) => prompts.listTestRuns(name, version),
    recordWorkerHeartbeat: (heartbeat) => workers.recordWorkerHeartbeat(heartbeat),
    listWorkers: (query) => workers.listWorkers(query),
    removeWorker: (id) => workers.removeWorker(id),
    removeWorkersSeenBefore: (before) => workers.removeWorkersSeenBefore(before),
    insertFile: (file, lines) => batches.insertFile(file, lines),
    getFile: (id) => batches.getFile(id),
    listFiles: (query) => batches.listFiles(query),
    readFileLines: (query) => batches.readFileLines(query),
    deleteFile: (id) => batches.deleteFile(id),
    createBatch: (batch, jobs) => batches.createBatch(batch, jobs),
    getBatch: (id) => batches.getBatch(id),
    listBatches: (query) => batches.listBatches(query),
    listExpiredBatches: (query) => batches.listExpiredBatches(query),
    moveBatch: (move) => batches.moveBatch(move),
    finishBatch: (finish) => batches.finishBatch(finish),
    recordBatchResults: (results) => batches.recordBatchResults(results),
    countBatchResults: (batchId) => batches.countBatchResults(batchId),
    hasBatchResult: (batchId, lineNo) => batches.hasBatchResult(batchId, lineNo),
    listBatchResults: (query) => batches.listBatchResults(query),
    createCollection: (collection) => documents.createCollection(collection),
    getCollection: (name) => documents.getCollection(name),
    listCollections: () => documents.listCollections(),
    putDocument: (document) => documents.putDocument(document),
    getDocument: (collection, id) => documents.getDocument(collection, id),
    listDocuments: (query) => documents.listDocuments(query),
    deleteDocument: (collection, id) => documents.deleteDocument(collection, id),
    setDocumentRule: (collection, id, rule) => documents.setDocumentRule(collection, id, rule),
    createIngestionRun: (run, items, jobs) => documents.createIngestionRun(run, items, jobs),
    getIngestionRun: (id) => documents.getIngestionRun(id),
    getIngestionItem: (runId, documentId) => documents.getIngestionItem(runId, documentId),
    finishIngestionItem: (outcome) => documents.finishIngestionItem(outcome),
    cancelIngestionItems: (document) => documents.cancelIngestionItems(document),
    updateBreaker: (update) => breakers.updateBreaker(update),
    putFileBlob: (fileId, content) => fileBlobs.putFileBlob(fileId, content),
    readFileBlob: (fileId) => fileBlobs.readFileBlob(fileId),
    deleteFileBlob: (fileId) => fileBlobs.deleteFileBlob(fileId),
    putVectorStoreFile: (record) => vectorStoreFiles.putVectorStoreFile(record),
    getVectorStoreFile: (collection, fileId) => vectorStoreFiles.getVectorStoreFile(collection, fileId),
    listVectorStoreFiles: (query) => vectorStoreFiles.listVectorStoreFiles(query),
    listCollectionsOfFile: (fileId) => vectorStoreFiles.listCollectionsOfFile(fileId),
    deleteVectorStoreFile: (collection, fileId) => vectorStoreFiles.deleteVectorStoreFile(collection, fileId),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
