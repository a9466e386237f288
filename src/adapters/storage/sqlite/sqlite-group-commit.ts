import { SlipwayError } from '../../../core/errors.js';
import type { SqliteConnection } from './sqlite-connection.js';

interface QueuedWork {
  /** Runs inside the group's transaction; returns what settles the caller once the group has committed. */
  run(): () => void;
  fail(error: unknown): void;
}

/**
 * Group commit on the store's connection: synchronous units of work queued while a flush is pending run together,
 * in the order they were queued, in one IMMEDIATE transaction. A commit costs the same fixed WAL writes and lock
 * calls whether it holds one unit or fifty, and under load that fixed cost was most of a unit's cost.
 *
 * The flush is scheduled with `setImmediate`, so that work queued by the other I/O callbacks of the same event-loop
 * turn joins the group, and a lone unit waits only for the end of that turn.
 *
 * Each caller's promise settles only after the group's COMMIT: with the unit's result, or, when the transaction
 * fails as a whole (the write lock not had within busy_timeout, a full disk, or any unit throwing), with that error
 * for every unit of the group, none of whose writes is then kept. A unit must therefore throw only for reasons
 * that concern the whole database; checks on a caller's input belong before `run`.
 *
 * @example const group = new SqliteGroupCommit(connection); const id = await group.run(() => insert.run(row));
 */
export class SqliteGroupCommit {
  readonly #commit: (group: readonly QueuedWork[]) => (() => void)[];
  #queue: QueuedWork[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(connection: SqliteConnection) {
    this.#commit = connection.transaction('immediate', (group: readonly QueuedWork[]) =>
      group.map((queued) => queued.run()),
    );
  }

  /**
   * Queues `work` for the next group and resolves with its result once that group has committed. `work` must be
   * synchronous and must not start a transaction of its own. Rejects with `internal_error` after `close`.
   */
  run<Result>(work: () => Result): Promise<Result> {
    if (this.#closed) {
      return Promise.reject(
        new SlipwayError('internal_error', 'The SQLite store is closed; nothing was written'),
      );
    }
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({
        run: () => {
          const result = work();
          return () => resolve(result);
        },
        fail: reject,
      });
      this.#scheduled ??= setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const group = this.#queue;
    if (group.length === 0) return;
    this.#queue = [];
    let settleAll: (() => void)[];
    try {
      settleAll = this.#commit(group);
    } catch (error) {
      for (const queued of group) queued.fail(error);
      return;
    }
    for (const settle of settleAll) settle();
  }

  /**
   * Commits what is queued, then refuses new work. Call it before closing the connection: work still queued when
   * the connection closes fails with the driver's "connection is not open" error instead. Idempotent.
   */
  close(): void {
    this.#flush();
    this.#closed = true;
  }
}
