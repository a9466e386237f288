import { SlipwayError } from '../../../core/errors.js';

/** The SQL names one open index uses, each already quoted; built once at open and frozen. */
export interface PgvectorNames {
  /** The adapter's own schema, e.g. `"slipway_vectors"`. */
  schema: string;
  /** The schema holding the `vector` type and its operators (wherever the extension was installed). */
  extension: string;
  /** The NOLOGIN role searches run under. */
  role: string;
}

// Lower case only, so that a name means the same quoted and unquoted and cannot smuggle SQL.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a configured schema or role name; anything but a plain lower-case identifier is `invalid_request`. */
export function checkIdentifier(value: string, param: string): string {
  if (!IDENTIFIER.test(value)) {
    throw new SlipwayError('invalid_request', `${param} "${value}" is not a lower-case SQL identifier`, {
      param,
    });
  }
  return value;
}

export const quoted = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;
