import type { PromptDefinition, PromptTestCase } from '../prompt.js';
import { renderPrompt } from './render-prompt.js';

/** One thing wrong with a prompt file or definition, at a field path such as `messages[1].content`. */
export interface PromptIssue {
  field: string;
  message: string;
  /** 1-based line in the file, when the issue comes from a file the YAML parser could place it in. */
  line?: number;
}

/** `['tests', 0, 'assert']` → `tests[0].assert`; the root is `(root)`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let field = '';
  for (const part of path) {
    if (typeof part === 'number') field += `[${part}]`;
    else field += field === '' ? String(part) : `.${String(part)}`;
  }
  return field === '' ? '(root)' : field;
}

/**
 * What is wrong with test cases beyond their shape: duplicate names, and variables the prompt cannot render with
 * (a dry render, so a case fails here rather than in every test run). `field` names where the cases sit.
 */
export function checkPromptTestCases(
  definition: PromptDefinition,
  tests: readonly PromptTestCase[],
  field: (index: number) => string,
): PromptIssue[] {
  const issues: PromptIssue[] = [];
  const seen = new Set(definition.tests.filter((test) => !tests.includes(test)).map((test) => test.name));
  tests.forEach((test, index) => {
    if (seen.has(test.name)) {
      issues.push({ field: `${field(index)}.name`, message: `duplicate test name "${test.name}"` });
    }
    seen.add(test.name);
    try {
      renderPrompt(definition, test.variables);
    } catch (error) {
      issues.push({
        field: `${field(index)}.variables`,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  });
  return issues;
}
