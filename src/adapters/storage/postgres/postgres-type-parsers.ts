import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

const { builtins } = pg.types;

/**
 * Type parsers for the store's own pool (the process-wide defaults are left alone). BIGINT comes back as a
 * number, as it does from SQLite: every stored integer is a safe integer (times in ms, token counts, micro-USD).
 * JSON comes back as text, so that one mapping decodes it on both dialects and a JSON string stays a string.
 */
export const POSTGRES_TYPE_PARSERS: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case builtins.INT8:
        return Number;
      case builtins.JSON:
      case builtins.JSONB:
        return (text: string) => text;
      default:
        return pg.types.getTypeParser(oid, format);
    }
  }) as CustomTypesConfig['getTypeParser'],
};
