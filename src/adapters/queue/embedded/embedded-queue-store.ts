import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { DeadLetter, JobQueueStats } from '../../../ports/job-queue.js';
import { migrateEmbeddedQueue } from './embedded-queue-schema.js';

/** A job as the store keeps it, payload still JSON text. */
export interface StoredJob {
  id: string;
  name: string;
  payload: string;
  maxAttempts: number;
  enqueuedAt: number;
  visibleAt: number;
}

/** A claimed job: the delivery's attempt number and the token that settles it. */
export interface ClaimedJob {
  id: string;
  name: string;
  payload: string;
  attempt: number;
  maxAttempts: number;
  enqueuedAt: number;
  claim: string;
}

export interface ClaimRequest {
  name: string;
  limit: number;
  now: number;
  leaseMs: number;
  /** A fresh token per claimed job. */
  newClaim: () => string;
}

export interface FailRequest {
  id: string;
  claim: string;
  reason: string;
  now: number;
  /** The wait before the next delivery, given the attempt that failed. */
  retryDelayMs: (attempt: number) => number;
}

interface JobRow {
  seq: number;
  id: string;
  name: string;
  payload: string;
  attempts: number;
  max_attempts: number;
  enqueued_at: number;
  claim: string | null;
  last_error: string | null;
}

interface DeadLetterRow {
  id: string;
  name: string;
  payload: string;
  attempts: number;
  reason: string;
  dead_lettered_at: number;
}

interface CountRow {
  name: string;
  ready: number;
  delayed: number;
  in_flight: number;
  dead: number;
}

// Candidates are read a few more than wanted, since some may be dead-lettered instead of claimed.
const CANDIDATE_SLACK = 8;

/**
 * The embedded queue's SQLite file and every statement on it. Each method is one synchronous transaction
 * (better-sqlite3 runs nothing else between its BEGIN and COMMIT); writes begin IMMEDIATE, taking the write lock
 * up front so that two processes claiming at once queue on the lock instead of failing halfway with SQLITE_BUSY.
 */
export class EmbeddedQueueStore {
  readonly #database: BetterSqlite3.Database;
  readonly enqueue: (jobs: readonly StoredJob[]) => void;
  readonly claim: (request: ClaimRequest) => ClaimedJob[];
  readonly acknowledge: (id: string, claim: string) => boolean;
  readonly fail: (request: FailRequest) => 'retry' | 'dead' | 'lost';
  readonly release: (id: string, claim: string) => boolean;
  readonly renew: (claims: ReadonlyMap<string, string>, visibleAt: number) => string[];
  readonly redrive: (query: { name?: string; ids?: readonly string[]; now: number }) => number;
  readonly #counts: BetterSqlite3.Statement<[{ now: number }], CountRow>;
  readonly #deadLetters: BetterSqlite3.Statement<[{ name: string | null; limit: number }], DeadLetterRow>;

  constructor(path: string) {
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
    const database = new BetterSqlite3(path);
    try {
      database.pragma('journal_mode = WAL');
      // NORMAL survives a process crash (the WAL is written before COMMIT returns); only a power loss or an OS
      // crash can lose the last commits, never corrupt the file.
      database.pragma('synchronous = NORMAL');
      database.pragma('busy_timeout = 5000');
      migrateEmbeddedQueue(database);
    } catch (error) {
      database.close();
      throw error;
    }
    this.#database = database;

    const insertJob = database.prepare<[StoredJob]>(
      `INSERT INTO jobs (id, name, payload, attempts, max_attempts, enqueued_at, visible_at)
       SELECT @id, @name, @payload, 0, @maxAttempts, @enqueuedAt, @visibleAt
       WHERE NOT EXISTS (SELECT 1 FROM dead_letters WHERE id = @id)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.enqueue = database
      .transaction((jobs: readonly StoredJob[]) => {
        for (const job of jobs) insertJob.run(job);
      })
      .immediate.bind(null);

    const candidates = database.prepare<[string, number, number], JobRow>(
      `SELECT seq, id, name, payload, attempts, max_attempts, enqueued_at, claim, last_error
       FROM jobs WHERE name = ? AND visible_at <= ? ORDER BY seq LIMIT ?`,
    );
    const takeLease = database.prepare<[number, string, number]>(
      'UPDATE jobs SET attempts = attempts + 1, visible_at = ?, claim = ? WHERE seq = ?',
    );
    const insertDeadLetter = database.prepare<
      [{ id: string; reason: string; attempts: number; now: number }]
    >(
      `INSERT INTO dead_letters (id, name, payload, attempts, max_attempts, enqueued_at, reason, dead_lettered_at)
       SELECT id, name, payload, @attempts, max_attempts, enqueued_at, @reason, @now FROM jobs WHERE id = @id
       ON CONFLICT (id) DO NOTHING`,
    );
    const deleteJob = database.prepare<[string]>('DELETE FROM jobs WHERE id = ?');
    const moveToDeadLetters = (entry: { id: string; reason: string; attempts: number; now: number }) => {
      insertDeadLetter.run(entry);
      deleteJob.run(entry.id);
    };

    this.claim = database
      .transaction((request: ClaimRequest): ClaimedJob[] => {
        const claimed: ClaimedJob[] = [];
        const rows = candidates.all(request.name, request.now, request.limit + CANDIDATE_SLACK);
        for (const row of rows) {
          if (claimed.length >= request.limit) break;
          // A lease that lapsed on the last allowed delivery: its holder died or stalled every time, so the job
          // is a poison pill for the process itself and is dead-lettered rather than handed out once more.
          if (row.claim !== null && row.attempts >= row.max_attempts) {
            moveToDeadLetters({
              id: row.id,
              attempts: row.attempts,
              now: request.now,
              reason:
                `The lease expired on delivery ${row.attempts} of ${row.max_attempts}: the handler's process ` +
                `stopped or stalled${row.last_error === null ? '' : ` (earlier failure: ${row.last_error})`}`,
            });
            continue;
          }
          const claim = request.newClaim();
          takeLease.run(request.now + request.leaseMs, claim, row.seq);
          claimed.push({
            id: row.id,
            name: row.name,
            payload: row.payload,
            attempt: row.attempts + 1,
            maxAttempts: row.max_attempts,
            enqueuedAt: row.enqueued_at,
            claim,
          });
        }
        return claimed;
      })
      .immediate.bind(null);

    const deleteClaimed = database.prepare<[string, string]>('DELETE FROM jobs WHERE id = ? AND claim = ?');
    this.acknowledge = (id, claim) => deleteClaimed.run(id, claim).changes === 1;

    const claimedJob = database.prepare<[string, string], JobRow>(
      `SELECT seq, id, name, payload, attempts, max_attempts, enqueued_at, claim, last_error
       FROM jobs WHERE id = ? AND claim = ?`,
    );
    const scheduleRetry = database.prepare<[number, string, number]>(
      'UPDATE jobs SET visible_at = ?, claim = NULL, last_error = ? WHERE seq = ?',
    );
    this.fail = database
      .transaction((request: FailRequest): 'retry' | 'dead' | 'lost' => {
        const row = claimedJob.get(request.id, request.claim);
        if (row === undefined) return 'lost';
        if (row.attempts >= row.max_attempts) {
          moveToDeadLetters({ id: row.id, attempts: row.attempts, now: request.now, reason: request.reason });
          return 'dead';
        }
        scheduleRetry.run(request.now + request.retryDelayMs(row.attempts), request.reason, row.seq);
        return 'retry';
      })
      .immediate.bind(null);

    // A delivery given back by a closing consumer was not the job's fault: it does not count as an attempt.
    const giveBack = database.prepare<[string, string]>(
      'UPDATE jobs SET attempts = attempts - 1, visible_at = 0, claim = NULL WHERE id = ? AND claim = ?',
    );
    this.release = (id, claim) => giveBack.run(id, claim).changes === 1;

    const extendLease = database.prepare<[number, string, string]>(
      'UPDATE jobs SET visible_at = ? WHERE id = ? AND claim = ?',
    );
    this.renew = database
      .transaction((claims: ReadonlyMap<string, string>, visibleAt: number): string[] => {
        const lost: string[] = [];
        for (const [id, claim] of claims)
          if (extendLease.run(visibleAt, id, claim).changes === 0) lost.push(id);
        return lost;
      })
      .immediate.bind(null);

    const requeueDeadLetter = database.prepare<[number, string]>(
      `INSERT INTO jobs (id, name, payload, attempts, max_attempts, enqueued_at, visible_at)
       SELECT id, name, payload, 0, max_attempts, enqueued_at, ? FROM dead_letters WHERE id = ?
       ON CONFLICT (id) DO NOTHING`,
    );
    const deleteDeadLetter = database.prepare<[string]>('DELETE FROM dead_letters WHERE id = ?');
    const deadLetterIds = database
      .prepare<[{ name: string | null }], string>(
        'SELECT id FROM dead_letters WHERE (@name IS NULL OR name = @name) ORDER BY seq',
      )
      .pluck();
    this.redrive = database
      .transaction((query: { name?: string; ids?: readonly string[]; now: number }): number => {
        const named = new Set(deadLetterIds.all({ name: query.name ?? null }));
        const ids = query.ids === undefined ? [...named] : query.ids.filter((id) => named.has(id));
        for (const id of ids) {
          requeueDeadLetter.run(query.now, id);
          deleteDeadLetter.run(id);
        }
        return ids.length;
      })
      .immediate.bind(null);

    this.#counts = database.prepare<[{ now: number }], CountRow>(
      `SELECT name,
              SUM(CASE WHEN dead = 0 AND visible_at <= @now THEN 1 ELSE 0 END) AS ready,
              SUM(CASE WHEN dead = 0 AND claim IS NULL AND visible_at > @now THEN 1 ELSE 0 END) AS delayed,
              SUM(CASE WHEN dead = 0 AND claim IS NOT NULL AND visible_at > @now THEN 1 ELSE 0 END) AS in_flight,
              SUM(dead) AS dead
       FROM (SELECT name, visible_at, claim, 0 AS dead FROM jobs
             UNION ALL SELECT name, 0, NULL, 1 FROM dead_letters)
       GROUP BY name`,
    );
    this.#deadLetters = database.prepare<[{ name: string | null; limit: number }], DeadLetterRow>(
      `SELECT id, name, payload, attempts, reason, dead_lettered_at FROM dead_letters
       WHERE (@name IS NULL OR name = @name) ORDER BY seq LIMIT @limit`,
    );
  }

  /** Counts per name that has jobs or dead letters. */
  counts(now: number): JobQueueStats[] {
    return this.#counts.all({ now }).map((row) => ({
      name: row.name,
      ready: row.ready,
      delayed: row.delayed,
      inFlight: row.in_flight,
      deadLettered: row.dead,
    }));
  }

  /** Oldest dead letter first. */
  deadLetters(query: { name?: string; limit: number }): DeadLetter[] {
    return this.#deadLetters.all({ name: query.name ?? null, limit: query.limit }).map((row) => ({
      id: row.id,
      name: row.name,
      payload: JSON.parse(row.payload) as unknown,
      attempts: row.attempts,
      reason: row.reason,
      deadLetteredAt: row.dead_lettered_at,
    }));
  }

  close(): void {
    this.#database.close();
  }
}
