import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { AuditEvent, AuditLog } from '../ports/audit-log.js';
import { makeRecordAudit } from './record-audit.js';

describe('record audit', () => {
  it('stamps each entry with an id and the time, and defaults the outcome, target and detail', async () => {
    const appended: AuditEvent[] = [];
    const log: AuditLog = {
      appendAuditEvent: async (event) => {
        appended.push(event);
      },
      listAuditEvents: async () => ({ items: [], nextCursor: null }),
      verifyAuditChain: async () => ({ ok: true, checked: 0 }),
    };
    const clock = new ManualClock(1_000);
    const recordAudit = makeRecordAudit({ log, clock, random: new SeededRandom() });
    const actor = { kind: 'user' as const, id: 'usr_1', label: 'ada@example.com' };
    await recordAudit({ actor, action: 'auth.logout' });
    clock.advance(5);
    await recordAudit({
      actor,
      action: 'user.disable',
      target: 'usr_2',
      outcome: 'failure',
      detail: { why: 'x' },
    });
    expect(appended).toEqual([
      {
        id: 'aud_000001',
        at: 1_000,
        actor,
        action: 'auth.logout',
        target: null,
        outcome: 'success',
        detail: {},
      },
      {
        id: 'aud_000002',
        at: 1_005,
        actor,
        action: 'user.disable',
        target: 'usr_2',
        outcome: 'failure',
        detail: { why: 'x' },
      },
    ]);
  });
});
