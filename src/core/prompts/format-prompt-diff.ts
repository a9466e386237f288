import type { MessageDiff, PromptDefinitionDiff, ValueChange } from './diff-prompt-definitions.js';

const json = (value: unknown): string => JSON.stringify(value);

function valueLines(change: ValueChange): string[] {
  switch (change.change) {
    case 'added':
      return [`+ ${change.path}: ${json(change.to)}`];
    case 'removed':
      return [`- ${change.path}: ${json(change.from)}`];
    case 'changed':
      return [`- ${change.path}: ${json(change.from)}`, `+ ${change.path}: ${json(change.to)}`];
  }
}

function messageLines(message: MessageDiff): string[] {
  if (message.change === 'unchanged') return [];
  const role =
    message.fromRole === message.toRole
      ? `${message.fromRole}`
      : `${message.fromRole ?? '(none)'} → ${message.toRole ?? '(none)'}`;
  const lines = [`messages[${message.index}] (${role}), ${message.change}:`];
  for (const hunk of message.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines);
  }
  return lines;
}

function section(title: string, changes: readonly ValueChange[]): string[] {
  return changes.length === 0 ? [] : [`${title}:`, ...changes.flatMap(valueLines)];
}

/**
 * A readable unified-diff rendering of a definition diff, as the CLI prints it: a `---`/`+++` header, then each
 * changed part. Empty when the two are identical.
 * @example formatPromptDiff(diff, { from: 'support/triage@3', to: 'support/triage@4' })
 */
export function formatPromptDiff(diff: PromptDefinitionDiff, labels: { from: string; to: string }): string {
  if (diff.identical) return '';
  const lines = [
    `--- ${labels.from}`,
    `+++ ${labels.to}`,
    ...diff.fields.flatMap(valueLines),
    ...diff.messages.flatMap(messageLines),
    ...section('variables', diff.variables),
    ...section('parameters', diff.parameters),
    ...section(
      'tests',
      diff.tests.map((test) => ({ ...test, path: `"${test.path}"` })),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
