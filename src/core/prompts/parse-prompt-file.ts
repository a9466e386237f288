import { LineCounter, isNode, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { z } from 'zod';
import { SlipwayError } from '../errors.js';
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

/** The file name endings of prompt files; the name is the path without them. */
export const PROMPT_FILE_SUFFIXES = ['.prompt.yaml', '.prompt.yml'] as const;

const datasetPath = z.string().min(1).max(1000);

const fileSchema = z.strictObject({
  name: promptNameSchema.optional(),
  description: z.string().nullable().default(null),
  model: z.string().min(1).max(200),
  parameters: promptParametersSchema.default({}),
  messages: z.array(promptMessageSchema).min(1),
  variables: promptVariablesSchema.default({ type: 'object' }),
  tests: z.array(promptTestCaseSchema).default([]),
  dataset: z.union([datasetPath, z.array(datasetPath).min(1)]).optional(),
});

/** A prompt file, parsed: its definition with the inline tests only, and the dataset files it names. */
export interface PromptFileParse {
  definition: PromptDefinition;
  /** Dataset paths exactly as written (relative to the prompt file), for the reader to load and inline. */
  datasets: string[];
}

export type SafePromptFileParse =
  { success: true; data: PromptFileParse } | { success: false; issues: PromptIssue[] };

export interface PromptFileOptions {
  /** The file's path relative to the folder being read, with `/` separators: it gives the prompt its name. */
  path: string;
}

/** `support/triage.prompt.yaml` → `support/triage`; null when the path has no prompt-file ending. */
export function promptNameOfPath(path: string): string | null {
  const suffix = PROMPT_FILE_SUFFIXES.find((ending) => path.endsWith(ending));
  return suffix === undefined ? null : path.slice(0, -suffix.length);
}

/** The line of the deepest node on `path` that the document has, so that a missing field points at its parent. */
function lineOf(document: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node: unknown = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range !== undefined && node.range !== null)
      return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function nameIssues(
  declared: string | undefined,
  path: string,
): { name: string | null; issues: PromptIssue[] } {
  const fromPath = promptNameOfPath(path);
  if (declared !== undefined) {
    if (fromPath !== null && fromPath !== declared) {
      const message = `the file says "${declared}" but its path names it "${fromPath}": rename the file or remove \`name\``;
      return { name: null, issues: [{ field: 'name', message }] };
    }
    return { name: declared, issues: [] };
  }
  if (fromPath === null) {
    return {
      name: null,
      issues: [{ field: 'name', message: 'required when the file name does not end in .prompt.yaml' }],
    };
  }
  const check = promptNameSchema.safeParse(fromPath);
  if (check.success) return { name: fromPath, issues: [] };
  return {
    name: null,
    issues: [
      {
        field: 'name',
        message: `the path gives the name "${fromPath}", which ${check.error.issues[0]?.message ?? 'is invalid'}`,
      },
    ],
  };
}

/**
 * Parses and validates a prompt file (YAML, docs/prompt-files.md). Never throws: every problem comes back as an
 * issue naming the field path and, where the YAML parser can place it, the line.
 * @example safeParsePromptFile(text, { path: 'support/triage.prompt.yaml' })
 */
export function safeParsePromptFile(text: string, options: PromptFileOptions): SafePromptFileParse {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      success: false,
      issues: document.errors.map((error) => ({
        field: '(yaml)',
        message: error.message.split('\n')[0] ?? error.message,
        ...(error.linePos === undefined ? {} : { line: error.linePos[0].line }),
      })),
    };
  }
  let raw: unknown;
  try {
    // Alias expansion is capped (yaml's default of 100) so that a billion-laughs file fails instead of exploding.
    raw = document.toJS();
  } catch (error) {
    return {
      success: false,
      issues: [{ field: '(yaml)', message: error instanceof Error ? error.message : String(error) }],
    };
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      success: false,
      issues: parsed.error.issues.map((issue) => {
        const line = lineOf(document, lines, issue.path);
        return {
          field: formatFieldPath(issue.path),
          message: issue.message,
          ...(line === undefined ? {} : { line }),
        };
      }),
    };
  }
  const file = parsed.data;
  const { name, issues } = nameIssues(file.name, options.path);
  if (name === null)
    return {
      success: false,
      issues: issues.map((issue) => ({ ...issue, line: lineOf(document, lines, ['name']) ?? 1 })),
    };
  const definition: PromptDefinition = {
    name,
    description: file.description,
    model: file.model,
    parameters: file.parameters,
    messages: file.messages,
    variables: file.variables,
    tests: file.tests,
  };
  const testIssues = checkPromptTestCases(definition, definition.tests, (index) => `tests[${index}]`).map(
    (issue) => {
      const index = /^tests\[(\d+)\]/.exec(issue.field)?.[1];
      const line = index === undefined ? undefined : lineOf(document, lines, ['tests', Number(index)]);
      return line === undefined ? issue : { ...issue, line };
    },
  );
  if (testIssues.length > 0) return { success: false, issues: testIssues };
  const datasets =
    file.dataset === undefined ? [] : typeof file.dataset === 'string' ? [file.dataset] : file.dataset;
  return { success: true, data: { definition, datasets } };
}

/** One line per issue: `path:line: field: message`. */
function formatPromptFileIssues(path: string, issues: readonly PromptIssue[]): string {
  return issues
    .map(
      (issue) =>
        `${path}${issue.line === undefined ? '' : `:${issue.line}`}: ${issue.field}: ${issue.message}`,
    )
    .join('\n');
}

/**
 * As `safeParsePromptFile`, throwing `invalid_request` whose message lists every issue with the file's path.
 * @example const { definition, datasets } = parsePromptFile(text, { path: 'support/triage.prompt.yaml' });
 */
export function parsePromptFile(text: string, options: PromptFileOptions): PromptFileParse {
  const parsed = safeParsePromptFile(text, options);
  if (parsed.success) return parsed.data;
  throw new SlipwayError('invalid_request', formatPromptFileIssues(options.path, parsed.issues), {
    param: 'path',
  });
}
