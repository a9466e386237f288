import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';

const MAX_SYNC_ENTRIES = 100_000;

const listQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/)
    .transform((text) => Number(text))
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
  after: z.string().min(1).max(200).optional(),
});

const syncBody = z
  .strictObject({
    /** JSON entries, as `slipway principals sync file.json` sends them. */
    users: z.array(z.unknown()).max(MAX_SYNC_ENTRIES).optional(),
    /** CSV text with a header line. */
    csv: z.string().optional(),
    prune: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .refine((body) => (body.users === undefined) !== (body.csv === undefined), {
    message: 'send exactly one of "users" (JSON entries) and "csv" (CSV text)',
  });

const groupBody = z.strictObject({ description: z.string().max(1000).optional() });

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

/** Query of `GET /api/principals` (100 per page unless `limit` says otherwise). */
export function parsePrincipalListQuery(query: unknown): { limit: number; after?: string } {
  const parsed = parse(listQuery, query, 'query');
  return { limit: parsed.limit ?? 100, ...(parsed.after === undefined ? {} : { after: parsed.after }) };
}

export const parsePrincipalSyncBody = (body: unknown) => parse(syncBody, body, 'sync request');
export const parseGroupBody = (body: unknown) => parse(groupBody, body, 'group');
