import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';

/** OpenAI's limits on batch metadata: 16 pairs, keys up to 64 characters, values up to 512. */
const metadataSchema = z
  .record(z.string().max(64), z.string().max(512))
  .refine((metadata) => Object.keys(metadata).length <= 16, {
    message: 'at most 16 keys',
  });

const createBatchSchema = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.string().min(1),
  completion_window: z.string().min(1),
  metadata: metadataSchema.nullable().optional(),
});

const pageQuerySchema = z.object({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const fileListQuerySchema = pageQuerySchema.extend({
  purpose: z.enum(['batch', 'batch_output', 'assistants', 'user_data']).optional(),
});

const adminBatchQuerySchema = pageQuerySchema.extend({ project: z.string().min(1).optional() });

function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid ${what}${param === undefined ? '' : ` at '${param}'`}: ${issue?.message ?? 'malformed'}`,
    param === undefined ? {} : { param },
  );
}

/** The body of `POST /v1/batches`. Throws `invalid_request` naming the bad field. */
export const parseCreateBatchBody = (body: unknown) => parseWith(createBatchSchema, body, 'request body');

/** `?after=&limit=` of `GET /v1/batches`. */
export const parsePageQuery = (query: unknown) => parseWith(pageQuerySchema, query, 'query');

/** `?purpose=&after=&limit=` of `GET /v1/files`. */
export const parseFileListQuery = (query: unknown) => parseWith(fileListQuerySchema, query, 'query');

/** `?project=&after=&limit=` of `GET /api/batches`. */
export const parseAdminBatchQuery = (query: unknown) => parseWith(adminBatchQuerySchema, query, 'query');
