import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePromptFile, promptNameOfPath, safeParsePromptFile } from './parse-prompt-file.js';

const TRIAGE = `
description: Sorts a ticket
model: chat-default
parameters:
  temperature: 0
  response_format: { type: json_object }
variables:
  type: object
  required: [ticket]
  properties:
    ticket: { type: string }
messages:
  - role: system
    content: |
      Sort the ticket into a queue.
  - role: user
    content: "{{ticket}}"
tests:
  - name: refund
    variables: { ticket: I want my money back }
    assert:
      - type: contains
        value: refund
        caseSensitive: false
      - type: json-schema
        schema: { type: object }
      - type: similar
        to: a refund request
        threshold: 0.8
dataset: cases/triage.jsonl
`;

const issuesOf = (text: string, path = 'support/triage.prompt.yaml') => {
  const parsed = safeParsePromptFile(text, { path });
  if (parsed.success) throw new Error('parsed');
  return parsed.issues;
};

describe('parsePromptFile', () => {
  it('parses a file, naming the prompt after its path and leaving datasets for the reader', () => {
    const { definition, datasets } = parsePromptFile(TRIAGE, { path: 'support/triage.prompt.yaml' });
    expect(definition).toEqual({
      name: 'support/triage',
      description: 'Sorts a ticket',
      model: 'chat-default',
      parameters: { temperature: 0, response_format: { type: 'json_object' } },
      messages: [
        { role: 'system', content: 'Sort the ticket into a queue.\n' },
        { role: 'user', content: '{{ticket}}' },
      ],
      variables: { type: 'object', required: ['ticket'], properties: { ticket: { type: 'string' } } },
      tests: [
        {
          name: 'refund',
          variables: { ticket: 'I want my money back' },
          assert: [
            { type: 'contains', value: 'refund', caseSensitive: false },
            { type: 'json-schema', schema: { type: 'object' } },
            { type: 'similar', to: 'a refund request', threshold: 0.8 },
          ],
        },
      ],
    });
    expect(datasets).toEqual(['cases/triage.jsonl']);
  });

  it('fills defaults for a minimal file', () => {
    const { definition, datasets } = parsePromptFile('model: m\nmessages: [{ role: user, content: hi }]\n', {
      path: 'hello.prompt.yml',
    });
    expect(definition).toMatchObject({
      name: 'hello',
      description: null,
      parameters: {},
      variables: { type: 'object' },
      tests: [],
    });
    expect(datasets).toEqual([]);
  });

  it('names the field and line of what is wrong', () => {
    const text = 'model: m\nmessages:\n  - role: robot\n    content: hi\nextra: 1\n';
    const issues = issuesOf(text);
    expect(issues).toContainEqual(expect.objectContaining({ field: 'messages[0].role', line: 3 }));
    expect(issues).toContainEqual(
      expect.objectContaining({ field: '(root)', message: expect.stringContaining('extra') }),
    );
    expect(() => parsePromptFile(text, { path: 'a.prompt.yaml' })).toThrow(
      /^a\.prompt\.yaml:3: messages\[0\]\.role/,
    );
  });

  it('refuses missing required fields, empty messages and bad templates', () => {
    expect(issuesOf('messages: []\n').map((issue) => issue.field)).toEqual(['model', 'messages']);
    const template = issuesOf('model: m\nmessages: [{ role: user, content: "{{#open}}" }]\n');
    expect(template[0]).toMatchObject({
      field: 'messages[0].content',
      message: expect.stringContaining('Unclosed'),
    });
    const partial = issuesOf('model: m\nmessages: [{ role: user, content: "{{> other}}" }]\n');
    expect(partial[0]?.message).toContain('Partials');
  });

  it('refuses reserved parameters, a variables schema that is not an object schema, bad assertions', () => {
    const base = 'model: m\nmessages: [{ role: user, content: hi }]\n';
    expect(issuesOf(`${base}parameters: { model: x }\n`)[0]?.field).toBe('parameters.model');
    expect(issuesOf(`${base}variables: { type: string }\n`)[0]?.field).toBe('variables');
    expect(issuesOf(`${base}variables: { type: object, minProperties: -1 }\n`)[0]?.field).toBe('variables');
    const regex = issuesOf(`${base}tests: [{ name: t, assert: [{ type: regex, pattern: "(" }] }]\n`);
    expect(regex[0]?.field).toBe('tests[0].assert[0].pattern');
    const unknown = issuesOf(`${base}tests: [{ name: t, assert: [{ type: sounds-nice }] }]\n`);
    expect(unknown[0]?.field).toBe('tests[0].assert[0].type');
  });

  it('refuses test cases the prompt cannot render and duplicate case names', () => {
    const text = `model: m
messages: [{ role: user, content: "{{ticket}}" }]
tests:
  - { name: one, variables: { ticket: a } }
  - { name: one, variables: {} }
`;
    const issues = issuesOf(text);
    expect(issues).toContainEqual(expect.objectContaining({ field: 'tests[1].name', line: 5 }));
    expect(issues).toContainEqual(
      expect.objectContaining({ field: 'tests[1].variables', message: expect.stringContaining('"ticket"') }),
    );
  });

  it('checks the name against the path', () => {
    const base = 'model: m\nmessages: [{ role: user, content: hi }]\n';
    expect(
      parsePromptFile(`name: support/triage\n${base}`, { path: 'support/triage.prompt.yaml' }).definition
        .name,
    ).toBe('support/triage');
    expect(issuesOf(`name: other\n${base}`)[0]).toMatchObject({ field: 'name', line: 1 });
    expect(issuesOf(base, 'Support/Triage.prompt.yaml')[0]?.message).toContain('"Support/Triage"');
    expect(issuesOf(base, 'notes.yaml')[0]?.message).toContain('required');
    expect(parsePromptFile(`name: free\n${base}`, { path: 'notes.yaml' }).definition.name).toBe('free');
    expect(promptNameOfPath('a/b.prompt.yml')).toBe('a/b');
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(issuesOf('model: m\nmodel: n\n')[0]).toMatchObject({ field: '(yaml)', line: 2 });
    expect(issuesOf('model: [\n')[0]?.field).toBe('(yaml)');
  });

  it('never throws from the safe parse, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        safeParsePromptFile(text, { path: 'x.prompt.yaml' });
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        safeParsePromptFile(JSON.stringify(value), { path: 'x.prompt.yaml' });
      }),
      { numRuns: 300 },
    );
  });
});
