import type { Kysely, Selectable } from 'kysely';
import type { WorkerHeartbeat, WorkerRegistry } from '../../../ports/worker-registry.js';
import type { Database, WorkerHeartbeatsTable } from './database.js';
import { decodeJson, encodeJson } from './json-column.js';

export class KyselyWorkerRegistry implements WorkerRegistry {
  constructor(private readonly db: Kysely<Database>) {}

  async recordWorkerHeartbeat(heartbeat: WorkerHeartbeat): Promise<void> {
    const jobNames = encodeJson(heartbeat.jobNames) ?? '[]';
    await this.db
      .insertInto('worker_heartbeats')
      .values({
        id: heartbeat.id,
        host: heartbeat.host,
        pid: heartbeat.pid,
        started_at: heartbeat.startedAt,
        last_seen_at: heartbeat.lastSeenAt,
        job_names: jobNames,
      })
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet({ last_seen_at: heartbeat.lastSeenAt, job_names: jobNames }),
      )
      .execute();
  }

  async listWorkers(query: { seenSince: number }): Promise<WorkerHeartbeat[]> {
    const rows = await this.db
      .selectFrom('worker_heartbeats')
      .selectAll()
      .where('last_seen_at', '>=', query.seenSince)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    return rows.map(toWorkerHeartbeat);
  }

  async removeWorker(id: string): Promise<void> {
    await this.db.deleteFrom('worker_heartbeats').where('id', '=', id).execute();
  }

  async removeWorkersSeenBefore(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('worker_heartbeats')
      .where('last_seen_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toWorkerHeartbeat(row: Selectable<WorkerHeartbeatsTable>): WorkerHeartbeat {
  return {
    id: row.id,
    host: row.host,
    pid: row.pid,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
    jobNames: decodeJson(row.job_names) as string[],
  };
}
