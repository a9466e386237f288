import { structuredPatch } from 'diff';
import type { StructuredPatchHunk } from 'diff';
import type { PromptDefinition, PromptRole } from '../prompt.js';
import { canonicalJson } from './prompt-content-hash.js';

/** One key that differs between two JSON values, at a dotted path (`properties.topic.type`). */
export interface ValueChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Absent when added. */
  from?: unknown;
  /** Absent when removed. */
  to?: unknown;
}

/** Messages are compared position by position; a changed message carries a line diff of its template. */
export interface MessageDiff {
  index: number;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  fromRole: PromptRole | null;
  toRole: PromptRole | null;
  /** Unified-diff hunks (3 lines of context) of the content; empty unless the content changed. */
  hunks: StructuredPatchHunk[];
}

export interface PromptDefinitionDiff {
  identical: boolean;
  /** `model` and `description`, when they differ. */
  fields: ValueChange[];
  messages: MessageDiff[];
  /** The variables JSON Schema, key by key. */
  variables: ValueChange[];
  parameters: ValueChange[];
  /** Test cases by name: `path` is the case's name. */
  tests: ValueChange[];
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Key-by-key differences; arrays and scalars are compared whole. */
function diffValues(from: unknown, to: unknown, path = ''): ValueChange[] {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((key) => {
      const child = path === '' ? key : `${path}.${key}`;
      if (!(key in to)) return [{ path: child, change: 'removed' as const, from: from[key] }];
      if (!(key in from)) return [{ path: child, change: 'added' as const, to: to[key] }];
      return diffValues(from[key], to[key], child);
    });
  }
  return same(from, to) ? [] : [{ path: path === '' ? '(root)' : path, change: 'changed', from, to }];
}

function diffMessages(from: PromptDefinition, to: PromptDefinition): MessageDiff[] {
  const count = Math.max(from.messages.length, to.messages.length);
  return Array.from({ length: count }, (_, index): MessageDiff => {
    const before = from.messages[index];
    const after = to.messages[index];
    const hunks = structuredPatch(
      'a',
      'b',
      withNewline(before?.content),
      withNewline(after?.content),
      '',
      '',
      {
        context: 3,
      },
    ).hunks;
    const change =
      before === undefined
        ? 'added'
        : after === undefined
          ? 'removed'
          : hunks.length > 0 || before.role !== after.role
            ? 'changed'
            : 'unchanged';
    return { index, change, fromRole: before?.role ?? null, toRole: after?.role ?? null, hunks };
  });
}

/** A final newline on both sides, so that a change on the last line does not read as "no newline at end". */
function withNewline(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  return text.endsWith('\n') ? text : `${text}\n`;
}

function diffTests(from: PromptDefinition, to: PromptDefinition): ValueChange[] {
  const before = new Map(from.tests.map((test) => [test.name, test]));
  const after = new Map(to.tests.map((test) => [test.name, test]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name): ValueChange[] => {
    const a = before.get(name);
    const b = after.get(name);
    if (a === undefined) return [{ path: name, change: 'added', to: b }];
    if (b === undefined) return [{ path: name, change: 'removed', from: a }];
    return same(a, b) ? [] : [{ path: name, change: 'changed', from: a, to: b }];
  });
}

/**
 * The structured difference between two definitions of a prompt: fields, a line diff per message (with the
 * `diff` library), the variables schema and parameters key by key, and test cases by name.
 * @example diffPromptDefinitions(v3.definition, v4.definition).messages[0].hunks
 */
export function diffPromptDefinitions(from: PromptDefinition, to: PromptDefinition): PromptDefinitionDiff {
  const fields = [
    ...diffValues(from.model, to.model, 'model'),
    ...diffValues(from.description, to.description, 'description'),
  ];
  const messages = diffMessages(from, to);
  const variables = diffValues(from.variables, to.variables);
  const parameters = diffValues(from.parameters, to.parameters);
  const tests = diffTests(from, to);
  const identical =
    fields.length + variables.length + parameters.length + tests.length === 0 &&
    messages.every((message) => message.change === 'unchanged');
  return { identical, fields, messages, variables, parameters, tests };
}
