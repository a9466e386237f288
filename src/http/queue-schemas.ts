import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import type { RedriveQuery } from '../services/redrive-dead-letters.js';

const DEFAULT_DEAD_LETTER_LIMIT = 50;
/** Job names and ids are short keys chosen by Slipway; the bounds keep a hostile request small. */
const jobName = z.string().min(1).max(200);
const jobId = z.string().min(1).max(500);

const deadLettersQuery = z.strictObject({
  name: jobName.optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'expected an integer')
    .transform((text) => Number(text))
    .pipe(z.number().int().min(1).max(500))
    .optional(),
});

const redriveBody = z.strictObject({
  name: jobName.optional(),
  ids: z.array(jobId).min(1).max(1000).optional(),
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

/** `GET /api/queue/dead-letters?name=&limit=`; throws `invalid_request` naming the parameter at fault. */
export function parseDeadLettersQuery(query: unknown): { name?: string; limit: number } {
  const parsed = parse(deadLettersQuery, query, 'query');
  return {
    limit: parsed.limit ?? DEFAULT_DEAD_LETTER_LIMIT,
    ...(parsed.name === undefined ? {} : { name: parsed.name }),
  };
}

/** `POST /api/queue/redrive` `{ name?, ids? }`: neither re-drives every dead letter. */
export function parseRedriveBody(body: unknown): RedriveQuery {
  const parsed = parse(redriveBody, body, 'body');
  return {
    ...(parsed.name === undefined ? {} : { name: parsed.name }),
    ...(parsed.ids === undefined ? {} : { ids: parsed.ids }),
  };
}
