import { z } from 'zod';
import type { PromptDefinition } from '../prompt.js';
import { checkPromptTestCases, formatFieldPath } from './prompt-issues.js';
import type { PromptIssue } from './prompt-issues.js';
import {
  promptMessageSchema,
  promptNameSchema,
  promptParametersSchema,
  promptTestCaseSchema,
  promptVariablesSchema,
} from './prompt-schemas.js';

const definitionSchema = z.strictObject({
  name: promptNameSchema,
  description: z.string().nullable(),
  model: z.string().min(1).max(200),
  parameters: promptParametersSchema,
  messages: z.array(promptMessageSchema).min(1),
  variables: promptVariablesSchema,
  tests: z.array(promptTestCaseSchema),
}) satisfies z.ZodType<PromptDefinition>;

export type PromptDefinitionParse =
  { success: true; data: PromptDefinition } | { success: false; issues: PromptIssue[] };

/**
 * Validates a definition that arrives as JSON (a push over the admin API): the same rules as a prompt file's, in
 * the resolved shape of PromptDefinition (test cases inlined, every field present). Never throws.
 * @example safeParsePromptDefinition(body.definition) // { success: false, issues: [{ field: 'model', message: … }] }
 */
export function safeParsePromptDefinition(value: unknown): PromptDefinitionParse {
  const parsed = definitionSchema.safeParse(value);
  if (!parsed.success) {
    return {
      success: false,
      issues: parsed.error.issues.map((issue) => ({
        field: formatFieldPath(issue.path),
        message: issue.message,
      })),
    };
  }
  const definition = parsed.data;
  const issues = checkPromptTestCases(definition, definition.tests, (index) => `tests[${index}]`);
  return issues.length === 0 ? { success: true, data: definition } : { success: false, issues };
}
