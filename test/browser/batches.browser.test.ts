import { expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

const line = (customId: string, url = '/v1/chat/completions') =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url,
    body: { model: 'offline-extractive', messages: [{ role: 'user', content: 'Boats float.' }] },
  });

describeBrowser('dashboard batches', () => {
  const browser = useBrowserSession();

  it("lists batches with their status and progress, and shows a batch's detail", async () => {
    const { gateway } = browser;
    const auth = { authorization: `Bearer ${gateway.appKey}` };
    const form = new FormData();
    form.set('purpose', 'batch');
    form.set('file', new Blob([`${line('a')}\n${line('b', '/v1/embeddings')}\n`]), 'two.jsonl');
    const file = (await (
      await fetch(`${gateway.baseUrl}/v1/files`, { method: 'POST', headers: auth, body: form })
    ).json()) as {
      id: string;
    };
    const created = await fetch(`${gateway.baseUrl}/v1/batches`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    });
    const batch = (await created.json()) as { id: string };

    const page = await browser.signIn('viewer');
    await page.goto('/batches');
    const row = page.getByRole('row', { name: new RegExp(batch.id) });
    await row.getByText('validating').waitFor();
    await row.getByText('0 / 2').waitFor();
    await browser.expectAccessible(page);

    // The test's own hands stand in for the workers: plan the batch, then run its one good line.
    await gateway.app.batching.planBatch(batch.id);
    await gateway.app.batching.runBatchLine(
      { batchId: batch.id, line: 1 },
      { finalAttempt: true, signal: new AbortController().signal },
    );
    // No reload: the page refreshes itself every few seconds.
    await row.getByText('completed').waitFor({ timeout: 10_000 });
    await row.getByText('2 / 2').waitFor();
    await row.getByText('(1 failed)').waitFor();

    await row.getByRole('button', { name: batch.id }).click();
    const detail = page.getByRole('region', { name: new RegExp(batch.id) });
    await detail.getByRole('rowheader', { name: 'Output file' }).waitFor();
    expect(await detail.getByRole('definition').allTextContents()).toEqual(['2', '1', '1']);
    await browser.expectAccessible(page);
  });
});
