import type { StorageDialect } from '../common/storage-dialect.js';

/** SQLITE_MAX_VARIABLE_NUMBER as better-sqlite3 builds SQLite. */
const SQLITE_MAX_PARAMETERS = 32_766;

export const SQLITE_STORAGE_DIALECT: StorageDialect = Object.freeze({
  kind: 'sqlite',
  maxParameters: SQLITE_MAX_PARAMETERS,
  constraintViolationOf(error: unknown) {
    const code = (error as { code?: unknown } | null)?.code;
    switch (code) {
      case 'SQLITE_CONSTRAINT_UNIQUE':
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
        return 'unique';
      case 'SQLITE_CONSTRAINT_FOREIGNKEY':
        return 'foreign_key';
      default:
        return null;
    }
  },
});
