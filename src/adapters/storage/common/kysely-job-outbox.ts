import type { Kysely, Selectable } from 'kysely';
import type { JobOutbox, OutboxJob } from '../../../ports/job-outbox.js';
import type { Database, JobOutboxTable } from './database.js';
import { decodeJson } from './json-column.js';

export class KyselyJobOutbox implements JobOutbox {
  constructor(private readonly db: Kysely<Database>) {}

  async claimUnpublished(limit: number): Promise<OutboxJob[]> {
    const rows = await this.db
      .selectFrom('job_outbox')
      .selectAll()
      .where('published_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toOutboxJob);
  }

  async markPublished(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('job_outbox')
      .set({ published_at: at })
      .where('id', 'in', [...ids])
      .where('published_at', 'is', null)
      .execute();
  }

  async purgePublished(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('job_outbox')
      .where('published_at', 'is not', null)
      .where('published_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toOutboxJob(row: Selectable<JobOutboxTable>): OutboxJob {
  return {
    id: row.id,
    name: row.name,
    payload: decodeJson(row.payload),
    ...(row.max_attempts === null ? {} : { maxAttempts: row.max_attempts }),
    ...(row.not_before === null ? {} : { notBefore: row.not_before }),
    createdAt: row.created_at,
  };
}
