import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

/** Distinct schemas kept compiled; past it the cache starts over, so a long-lived server cannot grow without bound. */
const CACHE_LIMIT = 256;
/** Errors named in a failure message; the rest are counted. */
const ERRORS_SHOWN = 5;

export type JsonSchemaCheck =
  | { kind: 'valid' }
  | { kind: 'invalid'; errors: string[] }
  /** The schema itself could not be compiled (a prompt author's mistake, reported rather than thrown). */
  | { kind: 'bad-schema'; message: string };

let ajv = newAjv();
let compiled = new Map<string, ValidateFunction>();

function newAjv(): Ajv {
  // Not strict: schemas come from prompt files and may carry annotations ajv does not know. `addUsedSchema: false`
  // keeps two schemas with the same `$id` from clashing in the shared instance.
  const instance = new Ajv({ strict: false, allErrors: true, addUsedSchema: false });
  addFormats(instance);
  return instance;
}

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  if (compiled.size >= CACHE_LIMIT) {
    ajv = newAjv();
    compiled = new Map();
  }
  const validate = ajv.compile(schema);
  compiled.set(key, validate);
  return validate;
}

/**
 * Checks a value against a JSON Schema (draft-07, ajv's default, with the formats of ajv-formats), compiling each
 * distinct schema once. Never throws.
 * @example checkJsonSchema({ type: 'object', required: ['id'] }, {}) // { kind: 'invalid', errors: ["(root) must have required property 'id'"] }
 */
export function checkJsonSchema(schema: Record<string, unknown>, value: unknown): JsonSchemaCheck {
  let validate: ValidateFunction;
  try {
    validate = compile(schema);
  } catch (error) {
    return { kind: 'bad-schema', message: error instanceof Error ? error.message : String(error) };
  }
  if (validate(value)) return { kind: 'valid' };
  const errors = (validate.errors ?? []).map(
    (error) =>
      `${error.instancePath === '' ? '(root)' : error.instancePath} ${error.message ?? 'is invalid'}`,
  );
  if (errors.length <= ERRORS_SHOWN) return { kind: 'invalid', errors };
  return {
    kind: 'invalid',
    errors: [...errors.slice(0, ERRORS_SHOWN), `and ${errors.length - ERRORS_SHOWN} more`],
  };
}
