import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';

const DEFAULT_DOCUMENT_LIMIT = 100;
const allowEntry = z.string().min(1).max(300);

const createCollectionBody = z.strictObject({
  name: z.string().min(1).max(64),
  embedding_model: z.string().min(1).max(200).optional(),
});

const setAccessBody = z.strictObject({
  allow: z.array(allowEntry).min(1).max(1000),
  classification: z.string().min(1).max(64).nullable().default(null),
});

const documentListQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, 'expected an integer')
    .transform((text) => Number(text))
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
  after: z.string().min(1).max(300).optional(),
});

function parse<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid ${what}${param ? ` at '${param}'` : ''}: ${issue?.message}`,
    param ? { param } : {},
  );
}

/** `POST /api/collections` `{ name, embedding_model? }`. */
export function parseCreateCollectionBody(body: unknown): { name: string; embeddingModel?: string } {
  const parsed = parse(createCollectionBody, body, 'body');
  return {
    name: parsed.name,
    ...(parsed.embedding_model === undefined ? {} : { embeddingModel: parsed.embedding_model }),
  };
}

/** `PUT /api/collections/{name}/documents/{id}/access` `{ allow: [...], classification? }`. */
export function parseSetAccessBody(body: unknown): { allow: string[]; classification: string | null } {
  return parse(setAccessBody, body, 'body');
}

/** `GET /api/collections/{name}/documents?limit=&after=`. */
export function parseDocumentListQuery(query: unknown): { limit: number; after?: string } {
  const parsed = parse(documentListQuery, query, 'query');
  return {
    limit: parsed.limit ?? DEFAULT_DOCUMENT_LIMIT,
    ...(parsed.after === undefined ? {} : { after: parsed.after }),
  };
}
