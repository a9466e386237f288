import { z } from 'zod';
import type { VectorStoreFileAttributes } from '../core/documents/vector-store-file.js';
import { SlipwayError } from '../core/errors.js';

/** OpenAI's limits on attributes: 16 pairs, keys up to 64 characters, string values up to 512. */
const attributes = z
  .record(z.string().min(1).max(64), z.union([z.string().max(512), z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= 16, { message: 'at most 16 attributes' });

const createBody = z.strictObject({
  file_id: z.string().min(1).max(200),
  attributes: attributes.nullable().optional(),
  chunking_strategy: z.strictObject({ type: z.literal('auto') }).optional(),
});

const fileId = z.string().min(1).max(200);

const listQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, 'expected an integer')
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional(),
  order: z.enum(['asc', 'desc']).optional(),
  after: fileId.optional(),
  before: fileId.optional(),
});

function parse<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid ${what}${param === undefined ? '' : ` at '${param}'`}: ${issue?.message ?? 'malformed'}`,
    param === undefined ? {} : { param },
  );
}

/**
 * `POST /v1/vector_stores/{id}/files` `{ file_id, attributes?, chunking_strategy? }`. Only the `auto` chunking
 * strategy is taken (Slipway chunks by its configured token sizes); a static one is refused rather than ignored.
 */
export function parseCreateVectorStoreFile(body: unknown): {
  fileId: string;
  attributes: VectorStoreFileAttributes;
} {
  const parsed = parse(createBody, body, 'vector store file');
  return { fileId: parsed.file_id, attributes: parsed.attributes ?? {} };
}

/**
 * `GET /v1/vector_stores/{id}/files` query: OpenAI's cursor parameters. Its `filter` by status is refused: a
 * page filtered after it was cut would page wrongly.
 */
export function parseVectorStoreFileListQuery(query: unknown) {
  const parsed = parse(listQuery, query, 'list query');
  return {
    limit: parsed.limit ?? 20,
    order: parsed.order ?? 'desc',
    ...(parsed.after === undefined ? {} : { after: parsed.after }),
    ...(parsed.before === undefined ? {} : { before: parsed.before }),
  };
}
