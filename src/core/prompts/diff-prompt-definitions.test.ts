import { describe, expect, it } from 'vitest';
import { aPromptDefinition } from '../../../test/contract/prompt-fixtures.js';
import { diffPromptDefinitions } from './diff-prompt-definitions.js';
import { formatPromptDiff } from './format-prompt-diff.js';

const labels = { from: 'p@1', to: 'p@2' };

describe('diffPromptDefinitions', () => {
  it('finds nothing between equal definitions, whatever their key order', () => {
    const diff = diffPromptDefinitions(aPromptDefinition(), {
      ...aPromptDefinition(),
      parameters: { max_tokens: 50, temperature: 0 },
    });
    expect(diff.identical).toBe(true);
    expect(formatPromptDiff(diff, labels)).toBe('');
  });

  it('compares variables and parameters key by key, tests by name, and messages by position', () => {
    const before = aPromptDefinition();
    const after = aPromptDefinition({
      parameters: { temperature: 0.5, top_p: 1 },
      variables: { ...before.variables, required: ['ticket'] },
      messages: [{ role: 'developer', content: 'You sort support tickets for {{company}}.' }],
      tests: [{ name: 'late', variables: { company: 'A', ticket: 'late' }, assert: [] }],
    });
    const diff = diffPromptDefinitions(before, after);
    expect(diff.parameters).toEqual([
      { path: 'max_tokens', change: 'removed', from: 50 },
      { path: 'temperature', change: 'changed', from: 0, to: 0.5 },
      { path: 'top_p', change: 'added', to: 1 },
    ]);
    expect(diff.variables).toEqual([
      { path: 'required', change: 'changed', from: ['company', 'ticket'], to: ['ticket'] },
    ]);
    expect(diff.tests.map((test) => [test.path, test.change])).toEqual([
      ['late', 'added'],
      ['refund', 'removed'],
    ]);
    expect(diff.messages.map((message) => message.change)).toEqual(['changed', 'removed']);
    const text = formatPromptDiff(diff, labels);
    expect(text).toContain('messages[0] (system → developer), changed:');
    expect(text).toContain('messages[1] (user → (none)), removed:\n@@ -1,1 +1,0 @@\n-{{ticket}}');
    expect(text).toContain('parameters:\n- max_tokens: 50\n- temperature: 0\n+ temperature: 0.5\n+ top_p: 1');
    expect(text).toContain('tests:\n+ "late": ');
  });
});
