import type { PromptDefinition, PromptSource, PromptTestRun } from '../../src/core/prompt.js';
import type { NewPromptVersion } from '../../src/ports/prompt-registry.js';
import { T0 } from './store-fixtures.js';

export function aPromptDefinition(overrides: Partial<PromptDefinition> = {}): PromptDefinition {
  return {
    name: 'support/triage',
    description: 'Sorts a ticket into a queue',
    model: 'chat-default',
    parameters: { temperature: 0, max_tokens: 50 },
    messages: [
      { role: 'system', content: 'You sort support tickets for {{company}}.' },
      { role: 'user', content: '{{ticket}}' },
    ],
    variables: {
      type: 'object',
      required: ['company', 'ticket'],
      properties: { company: { type: 'string' }, ticket: { type: 'string', minLength: 1 } },
    },
    tests: [
      {
        name: 'refund',
        variables: { company: 'Acme', ticket: 'I want my money back' },
        assert: [{ type: 'contains', value: 'refund' }],
      },
    ],
    ...overrides,
  };
}

export function aPromptSource(overrides: Partial<PromptSource> = {}): PromptSource {
  return {
    path: 'support/triage.prompt.yaml',
    gitCommit: 'a'.repeat(40),
    gitAuthor: 'Ada <ada@example.com>',
    gitMessage: 'Tune triage',
    ...overrides,
  };
}

/** A new version whose content (and so hash) is told apart by `revision`. */
export function aNewPromptVersion(revision = 1, overrides: Partial<NewPromptVersion> = {}): NewPromptVersion {
  return {
    definition: aPromptDefinition({ description: `revision ${revision}` }),
    contentHash: `sha256:${String(revision).padStart(64, '0')}`,
    source: aPromptSource(),
    createdAt: T0 + revision,
    createdBy: 'user:usr_1',
    ...overrides,
  };
}

export function aPromptTestRun(overrides: Partial<PromptTestRun> = {}): PromptTestRun {
  return {
    id: 'ptr_1',
    name: 'support/triage',
    version: 1,
    model: 'offline',
    startedAt: T0,
    finishedAt: T0 + 1500,
    passed: false,
    actor: 'user:usr_1',
    cases: [
      {
        name: 'refund',
        passed: false,
        output: 'Sorry',
        error: null,
        latencyMs: 12,
        costUsd: 0,
        interactionId: 'int_1',
        assertions: [
          {
            assertion: { type: 'contains', value: 'refund' },
            passed: false,
            message: "expected to contain 'refund'",
          },
        ],
      },
    ],
    ...overrides,
  };
}
