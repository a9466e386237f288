import { z } from 'zod';
import type { ClassificationLevels } from '../core/access/classification-levels.js';
import type { EndUserFields } from '../core/end-user.js';
import { SlipwayError } from '../core/errors.js';

const MAX_ID_CHARS = 200;
const MAX_LIST = 200;
/** Group and role names: no spaces, commas or semicolons, so that a CSV cell splits them without ambiguity. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,99}$/;
// Control characters in an id would make logs and CSV exports ambiguous.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const nameList = (what: string) =>
  z
    .array(
      z
        .string()
        .regex(NAME, `each ${what} must be 1 to 100 letters, digits or ._:@/+- (no spaces, "," or ";")`),
    )
    .max(MAX_LIST, `at most ${MAX_LIST} ${what}s`)
    .transform((names) => [...new Set(names)].sort());

/** An end user's entry as the API and sync files give it; absent fields take the defaults (or, on update, stay). */
const endUserInput = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(MAX_ID_CHARS)
    .refine(
      (id) => id.trim() === id && !CONTROL.test(id),
      'must have no surrounding spaces or control characters',
    ),
  name: z.string().max(200).optional(),
  groups: nameList('group').optional(),
  roles: nameList('role').optional(),
  clearance: z.string().min(1).nullable().optional(),
  disabled: z.boolean().optional(),
});

/** The fields of an entry, as given (absent ones left out). */
export type EndUserInput = z.output<typeof endUserInput>;

function firstIssue(error: z.ZodError): { message: string; param: string | undefined } {
  const issue = error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  return { message: `${param ? `${param}: ` : ''}${issue?.message ?? 'invalid'}`, param };
}

/**
 * Checks one entry; returns the fields given, or the reason it is refused. A clearance that is not one of
 * `levels` is refused here, so that the directory never holds a clearance nothing can be compared with.
 * @example safeParseEndUserInput({ id: 'u-42', clearance: 'secret' }, levels) // { success: false, message: 'clearance: …' }
 */
export function safeParseEndUserInput(
  value: unknown,
  levels: ClassificationLevels,
): { success: true; input: EndUserInput } | { success: false; message: string; param: string | undefined } {
  const parsed = endUserInput.safeParse(value);
  if (!parsed.success) return { success: false, ...firstIssue(parsed.error) };
  const { clearance } = parsed.data;
  if (clearance !== undefined && clearance !== null && !levels.includes(clearance)) {
    return {
      success: false,
      message: `clearance: "${clearance}" is not one of the classification levels (${levels.join(', ')})`,
      param: 'clearance',
    };
  }
  return { success: true, input: parsed.data };
}

/** As `safeParseEndUserInput`, throwing `invalid_request` (with the field as param). */
export function parseEndUserInput(value: unknown, levels: ClassificationLevels): EndUserInput {
  const result = safeParseEndUserInput(value, levels);
  if (result.success) return result.input;
  throw new SlipwayError('invalid_request', `Invalid end user: ${result.message}`, {
    ...(result.param === undefined ? {} : { param: result.param }),
  });
}

/** The whole entry: the input over what the entry said before (or the defaults for a new one). */
export function completeEndUser(input: EndUserInput, before: EndUserFields | null): EndUserFields {
  return {
    id: input.id,
    name: input.name ?? before?.name ?? input.id,
    groups: input.groups ?? before?.groups ?? [],
    roles: input.roles ?? before?.roles ?? [],
    clearance: input.clearance === undefined ? (before?.clearance ?? null) : input.clearance,
    disabled: input.disabled ?? before?.disabled ?? false,
  };
}
