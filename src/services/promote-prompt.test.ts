import { describe, expect, it } from 'vitest';
import type { Role } from '../core/identity.js';
import type { PromptLabelMove, PromptTestCaseResult, PromptTestRun, PromptVersion } from '../core/prompt.js';
import { completionOf } from '../../test/doubles/fake-model-provider.js';
import { FakeTokenCounter } from '../../test/doubles/fake-token-counter.js';
import { CALLER } from '../../test/doubles/gateway-harness.js';
import { InMemoryPromptRegistry } from '../../test/doubles/in-memory-prompt-registry.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { CompleteChatResult } from './complete-chat.js';
import { makeMovePromptLabel } from './move-prompt-label.js';
import type { MovePromptLabelInput } from './move-prompt-label.js';
import { makePromotePrompt } from './promote-prompt.js';
import type { PromotePromptRequest } from './promote-prompt.js';
import type { PromptActor } from './prompt-actor.js';
import type { AuditEntry } from './record-audit.js';
import { makeRunPromptTests } from './run-prompt-tests.js';
import type { RunPromptTestsRequest } from './run-prompt-tests.js';

function actor(role: Role): PromptActor {
  return { kind: 'user', id: `usr_${role}`, role, projectScope: null, label: `${role}@example.com` };
}

function testCase(name: string, passed: boolean): PromptTestCaseResult {
  return {
    name,
    passed,
    output: 'x',
    error: null,
    latencyMs: 1,
    costUsd: 0,
    interactionId: null,
    assertions: [],
  };
}

const VERSION: PromptVersion = {
  name: 'support/triage',
  version: 4,
  contentHash: 'sha256:def',
  definition: {
    name: 'support/triage',
    description: null,
    model: 'gpt',
    parameters: {},
    messages: [{ role: 'user', content: 'hi' }],
    variables: { type: 'object' },
    tests: [],
  },
  source: { path: 'support/triage.prompt.yaml', gitCommit: null, gitAuthor: null, gitMessage: null },
  createdAt: 0,
  createdBy: 'user:usr_admin',
};

function setup(cases: PromptTestCaseResult[]) {
  const runs: RunPromptTestsRequest[] = [];
  const moves: MovePromptLabelInput[] = [];
  const promotePrompt = makePromotePrompt({
    registry: {
      getVersion: async (name, selector) =>
        name === VERSION.name && 'version' in selector && selector.version === 4 ? VERSION : null,
    },
    runPromptTests: async (request) => {
      runs.push(request);
      const run: PromptTestRun = {
        id: 'ptr_000009',
        name: request.version.name,
        version: request.version.version,
        model: request.model ?? 'offline',
        startedAt: 0,
        finishedAt: 1,
        passed: cases.every((each) => each.passed),
        actor: `user:${request.actor.id}`,
        cases,
      };
      return run;
    },
    moveLabel: async (input) => {
      moves.push(input);
      const move: PromptLabelMove = {
        id: 'plm_1',
        name: input.name,
        label: input.label,
        fromVersion: 3,
        toVersion: input.toVersion,
        at: 0,
        actor: `user:${input.actor.id}`,
        reason: input.reason,
        testRunId: input.testRunId,
        override: input.override,
        kind: input.kind,
      };
      return move;
    },
    protectedLabels: ['production'],
  });
  const promote = (overrides: Partial<PromotePromptRequest> = {}) =>
    promotePrompt({
      name: 'support/triage',
      version: 4,
      label: 'production',
      actor: actor('admin'),
      caller: CALLER,
      ...overrides,
    });
  return { promote, runs, moves };
}

describe('promotePrompt', () => {
  it('runs the tests afresh and moves the label when they pass, naming the run', async () => {
    const h = setup([testCase('greets', true)]);
    const result = await h.promote({ model: 'gpt-mini', concurrency: 2 });

    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]).toMatchObject({ version: VERSION, model: 'gpt-mini', concurrency: 2, caller: CALLER });
    expect(h.moves).toEqual([
      {
        name: 'support/triage',
        label: 'production',
        toVersion: 4,
        actor: actor('admin'),
        reason: null,
        testRunId: 'ptr_000009',
        override: false,
        kind: 'promote',
      },
    ]);
    expect(result).toMatchObject({ refused: false, move: { toVersion: 4, testRunId: 'ptr_000009' } });
  });

  it('refuses with the failing cases and moves nothing when a test fails', async () => {
    const h = setup([testCase('greets', true), testCase('refunds', false)]);
    const result = await h.promote({ actor: actor('admin') });

    expect(result).toEqual({
      refused: true,
      testRun: expect.objectContaining({ id: 'ptr_000009', passed: false }),
      failures: [testCase('refunds', false)],
      message: '1 of 2 test cases of support/triage version 4 failed: refunds',
    });
    expect(h.moves).toEqual([]);
  });

  it("moves past failures on an admin's override, recording it with the reason and the failing run", async () => {
    const h = setup([testCase('refunds', false)]);
    const result = await h.promote({ override: { reason: 'Known flaky assertion, see INC-12' } });

    expect(result.refused).toBe(false);
    expect(h.moves[0]).toMatchObject({
      override: true,
      reason: 'Known flaky assertion, see INC-12',
      testRunId: 'ptr_000009',
      kind: 'promote',
    });
  });

  it('refuses a protected label to a version without tests, but not an unprotected one', async () => {
    const refused = setup([]);
    expect(await refused.promote()).toMatchObject({ refused: true, failures: [] });
    expect(refused.moves).toEqual([]);

    const staging = setup([]);
    expect(await staging.promote({ label: 'staging', actor: actor('developer') })).toMatchObject({
      refused: false,
    });
  });

  it('rejects a bad override, a role that may not move the label or a bad label before running any test', async () => {
    const h = setup([testCase('refunds', false)]);
    await expect(
      h.promote({ actor: actor('developer'), override: { reason: 'urgent' } }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      param: 'override',
    });
    await expect(h.promote({ override: { reason: '' } })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'override.reason',
    });
    await expect(h.promote({ actor: actor('developer') })).rejects.toMatchObject({
      code: 'forbidden',
      param: 'label',
    });
    await expect(h.promote({ actor: actor('viewer'), label: 'staging' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(h.promote({ label: 'latest' })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'label',
    });
    await expect(h.promote({ label: 'Prod!' })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'label',
    });
    expect(h.runs).toEqual([]);
  });

  it('reports an unknown version as not_found', async () => {
    const h = setup([]);
    await expect(h.promote({ version: 99 })).rejects.toMatchObject({
      code: 'not_found',
      param: 'version',
      message: 'Prompt "support/triage" has no version 99',
    });
    expect(h.runs).toEqual([]);
  });
});

describe('promotePrompt with the real runner, label mover and an in-memory registry', () => {
  async function wire(answer: string) {
    const registry = new InMemoryPromptRegistry();
    const clock = new ManualClock();
    const random = new SeededRandom(3);
    const audits: AuditEntry[] = [];
    const { version } = await registry.addVersion({
      definition: {
        ...VERSION.definition,
        tests: [{ name: 'says refund', variables: {}, assert: [{ type: 'contains', value: 'refund' }] }],
      },
      contentHash: 'sha256:one',
      source: VERSION.source,
      createdAt: 0,
      createdBy: 'user:usr_admin',
    });
    const completeChat = async (): Promise<CompleteChatResult> => ({
      kind: 'completion',
      completion: completionOf(answer),
      interactionId: 'int_1',
      target: 'offline/offline',
      attempts: 1,
    });
    const promotePrompt = makePromotePrompt({
      registry,
      runPromptTests: makeRunPromptTests({
        completeChat,
        createEmbeddings: async () => {
          throw new Error('no embeddings in this test');
        },
        registry,
        clock,
        random,
        prices: {},
        tokenCounter: new FakeTokenCounter(),
        defaultTestModel: 'offline',
        similarityModel: null,
      }),
      moveLabel: makeMovePromptLabel({
        registry,
        clock,
        random,
        recordAudit: async (entry) => void audits.push(entry),
        protectedLabels: ['production'],
      }),
      protectedLabels: ['production'],
    });
    return { registry, audits, promotePrompt, version };
  }

  it('records a passing promotion with its saved run', async () => {
    const h = await wire('A refund is on its way');
    const result = await h.promotePrompt({
      name: VERSION.name,
      version: h.version.version,
      label: 'production',
      actor: actor('admin'),
      caller: CALLER,
    });
    expect(result.refused).toBe(false);
    expect(h.registry.runs).toHaveLength(1);
    expect(await h.registry.getLabels(VERSION.name)).toMatchObject({ production: h.version.version });
    const [move] = await h.registry.listLabelMoves(VERSION.name, 'production');
    expect(move).toMatchObject({ kind: 'promote', override: false, testRunId: h.registry.runs[0]?.id });
    expect(h.audits[0]).toMatchObject({ action: 'prompt.label_move' });
  });

  it('leaves the label where it was when refused, and records an override with its reason', async () => {
    const h = await wire('Sorry, no');
    const request = { name: VERSION.name, version: h.version.version, label: 'production', caller: CALLER };
    const refused = await h.promotePrompt({ ...request, actor: actor('admin') });
    expect(refused.refused).toBe(true);
    expect((await h.registry.getLabels(VERSION.name)).production).toBeUndefined();

    await h.promotePrompt({
      ...request,
      actor: actor('admin'),
      override: { reason: 'Copy approved by legal' },
    });
    const [move] = await h.registry.listLabelMoves(VERSION.name, 'production');
    expect(move).toMatchObject({
      override: true,
      reason: 'Copy approved by legal',
      testRunId: h.registry.runs[1]?.id,
    });
    expect(h.registry.runs.map((run) => run.passed)).toEqual([false, false]);
  });
});
