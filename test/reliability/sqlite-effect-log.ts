import BetterSqlite3 from 'better-sqlite3';

/**
 * Effects committed by worker processes, in one SQLite file they share: a row per job id under a primary key
 * (the idempotency key's unique constraint) and a row per delivery, so that duplicates are counted apart.
 */
export class SqliteEffectLog {
  private readonly database: BetterSqlite3.Database;
  private readonly insertEffect: BetterSqlite3.Statement;
  private readonly insertDelivery: BetterSqlite3.Statement;

  constructor(path: string) {
    this.database = new BetterSqlite3(path);
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('busy_timeout = 5000');
    this.database.exec(
      'CREATE TABLE IF NOT EXISTS effects (id TEXT PRIMARY KEY, pid INTEGER NOT NULL);' +
        'CREATE TABLE IF NOT EXISTS deliveries (id TEXT NOT NULL, attempt INTEGER NOT NULL, pid INTEGER NOT NULL);',
    );
    this.insertEffect = this.database.prepare('INSERT OR IGNORE INTO effects (id, pid) VALUES (?, ?)');
    this.insertDelivery = this.database.prepare('INSERT INTO deliveries (id, attempt, pid) VALUES (?, ?, ?)');
  }

  /** Records the delivery and, in the same transaction, the effect unless the job already had it. */
  commit(id: string, attempt: number): void {
    this.database.transaction(() => {
      this.insertDelivery.run(id, attempt, process.pid);
      this.insertEffect.run(id, process.pid);
    })();
  }

  effectIds(): Set<string> {
    return new Set(
      (this.database.prepare('SELECT id FROM effects').all() as Array<{ id: string }>).map((row) => row.id),
    );
  }

  deliveryCount(): number {
    return (this.database.prepare('SELECT count(*) AS count FROM deliveries').get() as { count: number })
      .count;
  }

  close(): void {
    this.database.close();
  }
}
