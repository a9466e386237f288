import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import type { AuditQuery } from '../ports/audit-log.js';

const USER_ROLES = ['admin', 'developer', 'viewer'] as const;
// Far above any real password; keeps a hostile body from making the server hash megabytes.
const PASSWORD_CHARS = 4096;

const loginBody = z.strictObject({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(PASSWORD_CHARS),
});

const createUserBody = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  role: z.enum(USER_ROLES),
  password: z.string().max(PASSWORD_CHARS),
});

const updateUserBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(USER_ROLES).optional(),
  disabled: z.boolean().optional(),
  password: z.string().max(PASSWORD_CHARS).optional(),
});

const auditQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/)
    .transform((text) => Number(text))
    .pipe(z.number().int().min(1).max(500))
    .optional(),
  cursor: z.string().max(1000).optional(),
  action: z.string().min(1).max(100).optional(),
  /** An end user's id: events about them (`detail.endUser`). */
  user: z.string().min(1).max(200).optional(),
  /** A document id: events that touched it. */
  doc: z.string().min(1).max(200).optional(),
  target: z.string().min(1).max(200).optional(),
});

function parse<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid ${what}${param ? ` at '${param}'` : ''}: ${issue?.message}`,
    {
      ...(param ? { param } : {}),
    },
  );
}

export const parseLoginBody = (body: unknown) => parse(loginBody, body, 'sign-in');
export const parseCreateUserBody = (body: unknown) => parse(createUserBody, body, 'user');
export const parseUpdateUserBody = (body: unknown) => parse(updateUserBody, body, 'user change');

/** Query string of `GET /api/audit` → audit log query (50 events unless `limit` says otherwise). */
export function parseAuditQuery(query: unknown): AuditQuery {
  const parsed = parse(auditQuery, query, 'query');
  return {
    limit: parsed.limit ?? 50,
    ...(parsed.cursor === undefined ? {} : { cursor: parsed.cursor }),
    ...(parsed.action === undefined ? {} : { action: parsed.action }),
    ...(parsed.user === undefined ? {} : { subject: parsed.user }),
    ...(parsed.doc === undefined ? {} : { document: parsed.doc }),
    ...(parsed.target === undefined ? {} : { target: parsed.target }),
  };
}
