import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/ports/audit-log.js';
import type { Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

/** A store and a way to run SQL on its database behind its back, as someone tampering with the log would. */
export interface AuditChainUnderTest {
  store: Store;
  tamper(statement: string): Promise<void>;
}

const anEvent = (n: number, detail: Record<string, unknown> = {}): AuditEvent => ({
  id: `aud_${String(n).padStart(4, '0')}`,
  at: T0 + n,
  actor: { kind: 'api_key', id: 'key_1', label: 'key_1' },
  action: 'retrieval.search',
  target: null,
  outcome: 'success',
  detail: { n, ...detail },
});

/**
 * The tamper-evident audit log (src/ports/audit-log.ts: appends chained by hash, `verifyAuditChain`, and the
 * subject/target/document filters), run against every storage adapter. `open` returns a fresh, empty store.
 */
export function describeAuditChainContract(name: string, open: () => Promise<AuditChainUnderTest>): void {
  describe(`${name}: audit chain`, () => {
    let subject: AuditChainUnderTest;
    let store: Store;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });

    afterEach(async () => {
      await store.close();
    });

    it('verifies an empty log and a long chain of appends, with nested detail in any key order', async () => {
      await expect(store.verifyAuditChain()).resolves.toEqual({ ok: true, checked: 0 });
      for (let n = 1; n <= 120; n += 1) {
        await store.appendAuditEvent(anEvent(n, { z: { b: [1, 'two', null], a: 0.5 }, ['é']: 'ü' }));
      }
      await expect(store.verifyAuditChain()).resolves.toEqual({ ok: true, checked: 120 });
    });

    it('keeps one chain under concurrent appends', async () => {
      await Promise.all(Array.from({ length: 60 }, (_, index) => store.appendAuditEvent(anEvent(index + 1))));
      await expect(store.verifyAuditChain()).resolves.toEqual({ ok: true, checked: 60 });
      const page = await store.listAuditEvents({ limit: 500 });
      expect(page.items).toHaveLength(60);
    });

    it('still refuses a repeated id, without breaking the chain', async () => {
      await store.appendAuditEvent(anEvent(1));
      await expect(store.appendAuditEvent(anEvent(1))).rejects.toMatchObject({ code: 'conflict' });
      await store.appendAuditEvent(anEvent(2));
      await expect(store.verifyAuditChain()).resolves.toEqual({ ok: true, checked: 2 });
    });

    it('finds an edited event', async () => {
      for (let n = 1; n <= 5; n += 1) await store.appendAuditEvent(anEvent(n));
      await subject.tamper(`UPDATE audit_events SET outcome = 'failure' WHERE id = 'aud_0003'`);
      await expect(store.verifyAuditChain()).resolves.toMatchObject({
        ok: false,
        checked: 2,
        firstBadSeq: 3,
      });
    });

    it('finds an edited end user in the indexed subject', async () => {
      await store.appendAuditEvent(anEvent(1, { endUser: 'u-1' }));
      await subject.tamper(`UPDATE audit_events SET subject = 'u-2'`);
      const report = await store.verifyAuditChain();
      expect(report).toMatchObject({ ok: false, firstBadSeq: 1 });
      expect(report.reason).toMatch(/altered/);
    });

    it('finds a deleted event in the middle and at the end', async () => {
      for (let n = 1; n <= 5; n += 1) await store.appendAuditEvent(anEvent(n));
      await subject.tamper(`DELETE FROM audit_events WHERE id = 'aud_0005'`);
      const truncated = await store.verifyAuditChain();
      expect(truncated).toMatchObject({ ok: false, checked: 4, firstBadSeq: 5 });
      expect(truncated.reason).toMatch(/missing/);
      await subject.tamper(`DELETE FROM audit_events WHERE id = 'aud_0002'`);
      await expect(store.verifyAuditChain()).resolves.toMatchObject({
        ok: false,
        checked: 1,
        firstBadSeq: 2,
      });
    });

    it('finds an event inserted around the chain', async () => {
      await store.appendAuditEvent(anEvent(1));
      await subject.tamper(
        `INSERT INTO audit_events (id, at, actor_kind, actor_id, actor_label, action, target, outcome, detail)
         VALUES ('aud_forged', ${T0}, 'user', NULL, 'x', 'auth.login', NULL, 'success', '{}')`,
      );
      const report = await store.verifyAuditChain();
      expect(report).toMatchObject({ ok: false, checked: 1 });
      expect(report.reason).toMatch(/aud_forged/);
    });

    it('filters by end user, target and document, newest first', async () => {
      await store.appendAuditEvent(anEvent(1, { endUser: 'u-1', documents: ['doc_a', 'doc_b'] }));
      await store.appendAuditEvent(anEvent(2, { endUser: 'u-2', documents: ['doc_b'] }));
      await store.appendAuditEvent({ ...anEvent(3), action: 'document.rule_change', target: 'doc_a' });
      await store.appendAuditEvent(anEvent(4, { endUser: 'u-1', documents: 'doc_a' }));
      const ids = async (query: Parameters<Store['listAuditEvents']>[0]) =>
        (await store.listAuditEvents(query)).items.map((event) => event.id);
      await expect(ids({ limit: 10, subject: 'u-1' })).resolves.toEqual(['aud_0004', 'aud_0001']);
      await expect(ids({ limit: 10, document: 'doc_a' })).resolves.toEqual(['aud_0003', 'aud_0001']);
      await expect(ids({ limit: 10, document: 'doc_b', subject: 'u-2' })).resolves.toEqual(['aud_0002']);
      await expect(ids({ limit: 10, target: 'doc_a' })).resolves.toEqual(['aud_0003']);
      const first = await store.listAuditEvents({ limit: 1, document: 'doc_b' });
      expect(first.items.map((event) => event.id)).toEqual(['aud_0002']);
      await expect(ids({ limit: 1, document: 'doc_b', cursor: first.nextCursor ?? '' })).resolves.toEqual([
        'aud_0001',
      ]);
    });
  });
}
