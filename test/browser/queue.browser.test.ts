import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { JobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import type { RunningWorkers } from '../../src/worker/run-workers.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { describeBrowser, useBrowserSession } from './browser-session.js';

const CONFIG = `
queue:
  maxAttempts: 1
  pollIntervalMs: 10
`;

describeBrowser('dashboard queue', () => {
  const browser = useBrowserSession({ configText: CONFIG });
  let workers: RunningWorkers;

  beforeAll(async () => {
    const registry = new JobHandlerRegistry().register({
      name: 'test.poison',
      schema: z.object({}),
      create: () => () => Promise.reject(new Error('upstream refused the line')),
    });
    workers = await startWorkers(browser.gateway.app, registry, () => undefined);
    await browser.gateway.app.queue.enqueue([{ id: 'poison-1', name: 'test.poison', payload: {} }]);
  });

  afterAll(async () => {
    await workers.stop();
  });

  it('shows depth, live workers and dead letters with their reason to a viewer, without redrive', async () => {
    await expect
      .poll(async () => (await browser.gateway.app.queue.listDeadLetters({ limit: 10 })).length, {
        timeout: 10_000,
      })
      .toBe(1);
    const page = await browser.signIn('viewer');
    await page.goto('/queue');
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await page.getByRole('rowheader', { name: 'test.poison' }).waitFor();
    await page.getByRole('rowheader', { name: workers.id }).waitFor();
    await page.getByRole('cell', { name: 'upstream refused the line' }).waitFor();
    expect(await page.getByRole('button', { name: /re-drive/i }).count()).toBe(0);
    await browser.expectAccessible(page);
  });

  it('lets an admin re-drive a dead letter', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/queue');
    await page.getByRole('button', { name: 'Re-drive job poison-1' }).click();
    await page.getByRole('status').getByText('Re-drove 1 job.').waitFor();
    await browser.expectAccessible(page);
  });
});
