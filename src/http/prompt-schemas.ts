import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import type { PromptReference } from '../services/expand-prompt-reference.js';

// Generous bounds: they keep hostile input small, never a real prompt name or label.
const promptName = z.string().min(1).max(200);
const labelName = z.string().min(1).max(100);
const versionNumber = z.int().min(1);
const reason = z.string().trim().min(1).max(2000);
const numericText = z
  .string()
  .regex(/^\d+$/, 'expected a version number')
  .transform((text) => Number(text))
  .pipe(versionNumber);

const promptReference = z
  .strictObject({
    name: promptName.optional(),
    // OpenAI's Responses API calls it `id`: accepted as a synonym, so that the same object works in both.
    id: promptName.optional(),
    label: labelName.optional(),
    version: z.union([versionNumber, numericText]).optional(),
    variables: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((reference) => (reference.name ?? reference.id) !== undefined, {
    message: 'name the prompt with `name` (or `id`)',
  })
  .refine((reference) => reference.label === undefined || reference.version === undefined, {
    message: 'give a label or a version, not both',
  });

const servingQuery = z
  .strictObject({ label: labelName.optional(), version: numericText.optional() })
  .refine((query) => query.label === undefined || query.version === undefined, {
    message: 'give a label or a version, not both',
  });

const pushBody = z.strictObject({
  files: z
    .array(
      z.strictObject({
        path: z.string().min(1).max(1000),
        // Re-validated by the registry's own prompt schema: the CLI's parse is never trusted.
        definition: z.unknown(),
        source: z
          .strictObject({
            gitCommit: z.string().max(100).nullable().default(null),
            gitAuthor: z.string().max(500).nullable().default(null),
            gitMessage: z.string().max(10_000).nullable().default(null),
          })
          .prefault({}),
      }),
    )
    .max(1000),
});

const testBody = z.strictObject({
  version: versionNumber.optional(),
  model: z.string().min(1).max(200).optional(),
});

const promoteBody = z.strictObject({
  version: versionNumber,
  label: labelName,
  override: z.strictObject({ reason }).optional(),
});

const rollbackBody = z.strictObject({ label: labelName, reason: reason.optional() });
const diffQuery = z.strictObject({ from: labelName, to: labelName });
const labelQuery = z.strictObject({ label: labelName.optional() });
const versionQuery = z.strictObject({ version: numericText.optional() });

function parse<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  options: { what: string; prefix?: string },
): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [...(options.prefix === undefined ? [] : [options.prefix]), ...(issue?.path ?? [])];
  const param = path.map(String).join('.') || undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid ${options.what}${param ? ` at '${param}'` : ''}: ${issue?.message ?? 'malformed'}`,
    { ...(param ? { param } : {}) },
  );
}

/** A chat request's `prompt` field; throws `invalid_request` with a `prompt.*` param. */
export function parsePromptReference(value: unknown): PromptReference {
  const parsed = parse(promptReference, value, { what: 'prompt reference', prefix: 'prompt' });
  return {
    name: parsed.name ?? parsed.id ?? '',
    ...(parsed.label === undefined ? {} : { label: parsed.label }),
    ...(parsed.version === undefined ? {} : { version: parsed.version }),
    variables: parsed.variables,
  };
}

/** `?label=…` or `?version=…` of `GET /v1/prompts/{name}`. */
export const parseServingQuery = (query: unknown) => parse(servingQuery, query, { what: 'query' });
export const parsePushBody = (body: unknown) => parse(pushBody, body, { what: 'push' });
export const parseTestBody = (body: unknown) => parse(testBody, body, { what: 'test request' });
export const parsePromoteBody = (body: unknown) => parse(promoteBody, body, { what: 'promotion' });
export const parseRollbackBody = (body: unknown) => parse(rollbackBody, body, { what: 'rollback' });
/** `from` and `to` are each a version number or a label. */
export const parseDiffQuery = (query: unknown) => parse(diffQuery, query, { what: 'query' });
export const parseLabelQuery = (query: unknown) => parse(labelQuery, query, { what: 'query' });
export const parseVersionQuery = (query: unknown) => parse(versionQuery, query, { what: 'query' });
/** A path's version number segment. */
export const parseVersionNumber = (text: string) => parse(numericText, text, { what: 'version' });
