import { afterAll, beforeAll, expect, it } from 'vitest';
import { createJobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import type { RunningWorkers } from '../../src/worker/run-workers.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { describeBrowser, useBrowserSession } from './browser-session.js';

const CONFIG = `
queue:
  pollIntervalMs: 10
`;

describeBrowser('dashboard documents and retrieval', () => {
  const browser = useBrowserSession({ configText: CONFIG });
  let workers: RunningWorkers;

  beforeAll(async () => {
    const { app } = browser.gateway;
    workers = await startWorkers(app, createJobHandlerRegistry(), () => undefined);
    const actor = { kind: 'user', id: 'usr_setup', role: 'admin', label: 'setup@example.com' } as const;
    await app.retrieval.collections.create({ name: 'reports' }, actor);
    const file = (name: string, text: string) => ({
      name,
      mediaType: 'text/markdown',
      content: new TextEncoder().encode(text),
    });
    await app.retrieval.startIngestion({
      collection: 'reports',
      files: [file('q3.md', 'Revenue grew by twelve percent in the third quarter.')],
      allow: ['group:finance'],
      classification: null,
      actor,
    });
    await app.retrieval.startIngestion({
      collection: 'reports',
      files: [file('faq.md', 'Revenue figures are shared after the board meeting.')],
      allow: ['everyone'],
      classification: null,
      actor,
    });
    await app.principals.endUsers.putEndUser(
      { id: 'ed', groups: ['engineering'], clearance: 'internal' },
      { kind: 'api_key', id: 'key_setup', label: 'setup' },
    );
    const deadline = Date.now() + 10_000;
    while ((await app.store.listDocuments({ collection: 'reports', limit: 10 })).length < 2) {
      if (Date.now() > deadline) throw new Error('the documents were not ingested within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  afterAll(async () => {
    await workers.stop();
  });

  it('shows documents with their access rules and previews what an end user would get', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/retrieval');
    await page.getByRole('heading', { name: 'Documents & retrieval' }).waitFor();
    await page.getByRole('rowheader', { name: 'q3.md' }).waitFor();
    await page.getByRole('cell', { name: 'group:finance', exact: true }).first().waitFor();
    await page.getByLabel('Collection', { exact: true }).last().fill('reports');
    await page.getByLabel('End user (empty: anonymous)').fill('ed');
    await page.getByLabel('Question').fill('How did revenue grow?');
    await page.getByRole('button', { name: 'Search as this user' }).click();
    await page.getByText(/1 chunks allowed, 1 denied/).waitFor();
    expect(await page.getByText('twelve percent').count()).toBe(0);
    await page.getByText('Revenue figures are shared after the board meeting.').waitFor();
    await page.reload();
    await page.getByRole('rowheader', { name: 'ed' }).waitFor();
    await browser.expectAccessible(page);
  });
});
