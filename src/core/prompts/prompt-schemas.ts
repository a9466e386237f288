import { z } from 'zod';
import type { PromptAssertion, PromptMessage, PromptTestCase } from '../prompt.js';
import { checkJsonSchema } from './check-json-schema.js';
import { isPromptName } from './prompt-name.js';
import { checkPromptTemplate } from './prompt-template.js';

const text = z.string().min(1);

function regexError(pattern: string, flags: string | undefined): string | null {
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const schemaObject = z.record(z.string(), z.unknown());

/** A JSON Schema that ajv can compile; the message carries ajv's reason. */
const compilableSchema = schemaObject.superRefine((schema, context) => {
  const check = checkJsonSchema(schema, null);
  if (check.kind === 'bad-schema') context.addIssue({ code: 'custom', message: check.message });
});

const assertion = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('equals'), value: z.string() }),
  z.strictObject({ type: z.literal('contains'), value: text, caseSensitive: z.boolean().optional() }),
  z.strictObject({ type: z.literal('not-contains'), value: text, caseSensitive: z.boolean().optional() }),
  z
    .strictObject({ type: z.literal('regex'), pattern: text, flags: z.string().optional() })
    .superRefine((value, context) => {
      const error = regexError(value.pattern, value.flags);
      if (error !== null) context.addIssue({ code: 'custom', message: error, path: ['pattern'] });
    }),
  z.strictObject({ type: z.literal('is-json') }),
  z.strictObject({ type: z.literal('json-schema'), schema: compilableSchema }),
  z.strictObject({ type: z.literal('min-length'), value: z.int().min(0) }),
  z.strictObject({ type: z.literal('max-length'), value: z.int().min(0) }),
  z.strictObject({ type: z.literal('max-latency-ms'), value: z.number().positive() }),
  z.strictObject({ type: z.literal('max-cost-usd'), value: z.number().min(0) }),
  z.strictObject({ type: z.literal('similar'), to: text, threshold: z.number().min(-1).max(1) }),
]) satisfies z.ZodType<PromptAssertion>;

/** One test case as a file, a dataset line or a pushed definition writes it. */
export const promptTestCaseSchema = z.strictObject({
  name: text.max(200),
  variables: z.record(z.string(), z.unknown()).default({}),
  assert: z.array(assertion).default([]),
}) satisfies z.ZodType<PromptTestCase>;

export const promptNameSchema = z
  .string()
  .refine(isPromptName, 'must be lowercase letters, digits, - and _ in /-separated segments (at most 200)');

export const promptMessageSchema = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.string().superRefine((content, context) => {
    const error = checkPromptTemplate(content);
    if (error !== null) context.addIssue({ code: 'custom', message: `invalid template: ${error}` });
  }),
}) satisfies z.ZodType<PromptMessage>;

/** Keys a prompt sets itself, so that parameters cannot contradict it. */
const RESERVED_PARAMETERS = ['model', 'messages', 'stream', 'prompt'];

export const promptParametersSchema = schemaObject.superRefine((parameters, context) => {
  for (const key of RESERVED_PARAMETERS) {
    if (key in parameters) {
      context.addIssue({ code: 'custom', message: `"${key}" cannot be a parameter`, path: [key] });
    }
  }
});

export const promptVariablesSchema = compilableSchema.refine(
  (schema) => schema.type === 'object',
  'must be a JSON Schema with `type: object` (the variables are one object)',
);
