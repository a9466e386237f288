import type { StorageDialect } from '../common/storage-dialect.js';

/** The wire protocol counts bind parameters in 16 bits. */
const POSTGRES_MAX_PARAMETERS = 65_535;

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

export const POSTGRES_STORAGE_DIALECT: StorageDialect = Object.freeze({
  kind: 'postgres',
  maxParameters: POSTGRES_MAX_PARAMETERS,
  constraintViolationOf(error: unknown) {
    const code = (error as { code?: unknown } | null)?.code;
    switch (code) {
      case UNIQUE_VIOLATION:
        return 'unique';
      case FOREIGN_KEY_VIOLATION:
        return 'foreign_key';
      default:
        return null;
    }
  },
});
