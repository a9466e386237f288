import type { PromptDefinition, PromptTestCase } from '../prompt.js';
import { checkPromptTestCases, formatFieldPath } from './prompt-issues.js';
import type { PromptIssue } from './prompt-issues.js';
import { promptTestCaseSchema } from './prompt-schemas.js';

/** A dataset file as the reader loaded it: its path as the prompt file wrote it, and its text. */
export interface PromptDatasetFile {
  path: string;
  text: string;
}

export type PromptDatasetInline =
  { success: true; data: PromptDefinition } | { success: false; issues: PromptIssue[] };

function parseLines(file: PromptDatasetFile): {
  cases: PromptTestCase[];
  issues: PromptIssue[];
  lines: number[];
} {
  const cases: PromptTestCase[] = [];
  const issues: PromptIssue[] = [];
  const lines: number[] = [];
  file.text.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      issues.push({
        field: `${file.path}`,
        line,
        message: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    const parsed = promptTestCaseSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ field: `${file.path} ${formatFieldPath(issue.path)}`, line, message: issue.message });
      }
      return;
    }
    cases.push(parsed.data);
    lines.push(line);
  });
  return { cases, issues, lines };
}

/**
 * Appends the test cases of dataset files (JSON Lines: one `{name, variables, assert}` object per line, blank lines
 * skipped) to a parsed prompt's inline tests, with the same checks: shape, unique names across all cases, and
 * variables the prompt can render with. Issues name the dataset file and line. Never throws.
 * @example inlinePromptDatasets(parse.definition, [{ path: 'cases.jsonl', text }])
 */
export function inlinePromptDatasets(
  definition: PromptDefinition,
  files: readonly PromptDatasetFile[],
): PromptDatasetInline {
  const parsed = files.map(parseLines);
  const shapeIssues = parsed.flatMap((file) => file.issues);
  if (shapeIssues.length > 0) return { success: false, issues: shapeIssues };
  const added = parsed.flatMap((file) => file.cases);
  const where = parsed.flatMap((file, fileIndex) =>
    file.lines.map((line) => ({ path: files[fileIndex]?.path ?? '', line })),
  );
  const merged: PromptDefinition = { ...definition, tests: [...definition.tests, ...added] };
  const issues = checkPromptTestCases(merged, added, (index) => {
    const origin = where[index];
    return origin === undefined ? `dataset[${index}]` : `${origin.path}:${origin.line}`;
  });
  return issues.length === 0 ? { success: true, data: merged } : { success: false, issues };
}
