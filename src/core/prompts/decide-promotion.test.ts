import { describe, expect, it } from 'vitest';
import type { PromptTestCaseResult, PromptTestRun } from '../prompt.js';
import { assertOverrideAllowed, decidePromotion } from './decide-promotion.js';
import type { PromotionRequest } from './decide-promotion.js';

function testCase(name: string, passed: boolean): PromptTestCaseResult {
  return {
    name,
    passed,
    output: 'answer',
    error: null,
    latencyMs: 5,
    costUsd: 0,
    interactionId: 'int_1',
    assertions: [],
  };
}

function run(cases: PromptTestCaseResult[]): PromptTestRun {
  return {
    id: 'ptr_1',
    name: 'support/triage',
    version: 3,
    model: 'offline',
    startedAt: 0,
    finishedAt: 10,
    passed: cases.every((each) => each.passed),
    actor: 'user:usr_1',
    cases,
  };
}

function request(overrides: Partial<PromotionRequest>): PromotionRequest {
  return {
    label: 'production',
    protectedLabels: ['production'],
    actorRole: 'developer',
    run: run([testCase('greets', true)]),
    ...overrides,
  };
}

describe('decidePromotion', () => {
  it('moves the label when every case passes', () => {
    expect(decidePromotion(request({}))).toEqual({ kind: 'move', override: false, reason: null });
  });

  it('refuses when a case fails, naming the failing cases', () => {
    const failing = run([testCase('greets', true), testCase('refunds', false), testCase('tone', false)]);
    const decision = decidePromotion(request({ run: failing, actorRole: 'admin' }));
    expect(decision).toEqual({
      kind: 'refuse',
      message: '2 of 3 test cases of support/triage version 3 failed: refunds, tone',
      failures: [failing.cases[1], failing.cases[2]],
    });
  });

  it("moves past failures with an admin's override, recording the reason", () => {
    const failing = run([testCase('refunds', false)]);
    const decision = decidePromotion(
      request({ run: failing, actorRole: 'admin', override: { reason: '  known flake, ticket 12 ' } }),
    );
    expect(decision).toEqual({ kind: 'move', override: true, reason: 'known flake, ticket 12' });
  });

  it('refuses a protected label for a version without tests, unless an admin overrides', () => {
    const untested = run([]);
    const decision = decidePromotion(request({ run: untested }));
    expect(decision).toMatchObject({ kind: 'refuse', failures: [] });
    expect(decision.kind === 'refuse' && decision.message).toBe(
      'support/triage version 3 has no test cases, and the protected label "production" moves only to a tested version',
    );
    expect(
      decidePromotion(request({ run: untested, actorRole: 'admin', override: { reason: 'bootstrap' } })),
    ).toEqual({
      kind: 'move',
      override: true,
      reason: 'bootstrap',
    });
  });

  it('lets a version without tests move an unprotected label', () => {
    expect(decidePromotion(request({ run: run([]), label: 'staging' }))).toEqual({
      kind: 'move',
      override: false,
      reason: null,
    });
  });

  it('keeps the reason of an override that was not needed, without recording an override', () => {
    expect(decidePromotion(request({ actorRole: 'admin', override: { reason: 'release 2.1' } }))).toEqual({
      kind: 'move',
      override: false,
      reason: 'release 2.1',
    });
  });

  it('rejects an override by a non-admin or without a reason', () => {
    expect(() =>
      decidePromotion(request({ actorRole: 'developer', override: { reason: 'please' } })),
    ).toThrow(expect.objectContaining({ code: 'forbidden', param: 'override' }));
    expect(() => decidePromotion(request({ actorRole: 'admin', override: { reason: '  ' } }))).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'override.reason' }),
    );
  });
});

describe('assertOverrideAllowed', () => {
  it('allows no override at all, and an admin with a reason', () => {
    expect(() => assertOverrideAllowed('viewer', undefined)).not.toThrow();
    expect(() => assertOverrideAllowed('admin', { reason: 'hotfix' })).not.toThrow();
    expect(() => assertOverrideAllowed('app', { reason: 'hotfix' })).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
  });
});
