import { CompiledQuery } from 'kysely';
import type { Compilable } from 'kysely';

/**
 * A multi-row INSERT that Kysely builds and compiles once per row count; later chunks of that size reuse the SQL
 * text with fresh parameters. Building and compiling a query of thousands of values costs a good part of what
 * running it does, and an unchanged SQL text is also what lets the driver reuse a prepared statement.
 *
 * Rows must all have the same keys in the same order (the row mappers guarantee it): parameters follow that
 * order, row after row, as Kysely lays them out.
 */
export class BatchInsert<Row extends object> {
  readonly #sqlByRowCount = new Map<number, string>();

  constructor(private readonly build: (rows: Row[]) => Compilable) {}

  compile(rows: readonly Row[]): CompiledQuery {
    const cached = this.#sqlByRowCount.get(rows.length);
    if (cached === undefined) {
      const compiled = this.build([...rows]).compile();
      this.#sqlByRowCount.set(rows.length, compiled.sql);
      return compiled;
    }
    const parameters: unknown[] = [];
    for (const row of rows) for (const value of Object.values(row)) parameters.push(value);
    return CompiledQuery.raw(cached, parameters);
  }
}
