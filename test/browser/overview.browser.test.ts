import { expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

const REQUESTS = 4;

describeBrowser('dashboard overview', () => {
  const browser = useBrowserSession();

  it('says there is no traffic yet before any request', async () => {
    const page = await browser.signIn('viewer');
    await page.getByText('No requests in this time range.').waitFor();
    await browser.expectAccessible(page);
  });

  it('charts real requests to the offline model, with totals and a breakdown by model', async () => {
    for (let index = 0; index < REQUESTS; index += 1) {
      const response = await fetch(`${browser.gateway.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${browser.gateway.appKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'offline-extractive',
          messages: [
            { role: 'user', content: `Slipways launch ships. Question ${index}: what do they launch?` },
          ],
        }),
      });
      expect(response.status).toBe(200);
    }
    await browser.gateway.flushLog();

    const page = await browser.signIn('developer');
    const totals = page.getByRole('definition').first();
    await totals.waitFor();
    expect(await totals.textContent()).toBe(String(REQUESTS));

    const charts = page.locator('.chart');
    await expect.poll(() => page.locator('.chart canvas').count()).toBe(6);
    expect(await charts.count()).toBe(6);
    const requestsChart = page.getByRole('img', { name: 'Requests and errors over time' });
    expect(Number(await requestsChart.getAttribute('data-points'))).toBeGreaterThan(0);
    const latencyChart = page.getByRole('img', { name: 'Latency over time' });
    expect(Number(await latencyChart.getAttribute('data-points'))).toBeGreaterThan(0);

    const breakdown = page.getByRole('table', { name: 'Totals by model' });
    const row = breakdown.getByRole('row', { name: /offline-extractive/ });
    expect(await row.getByRole('cell').first().textContent()).toBe(String(REQUESTS));
    await browser.expectAccessible(page);

    await page.getByLabel('Group by').selectOption('key');
    await page
      .getByRole('table', { name: 'Totals by api key' })
      .getByRole('row', { name: /app key/ })
      .waitFor();

    await page.getByRole('button', { name: '1 h' }).click();
    expect(await page.getByRole('button', { name: '1 h' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => totals.textContent()).toBe(String(REQUESTS));
    expect(browser.pageErrors.filter((error) => /Content Security Policy|pageerror/.test(error))).toEqual([]);
  });
});
