import { expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

describeBrowser('dashboard keys & budgets', () => {
  const browser = useBrowserSession();

  it('creates a key whose secret is shown once and works, shows its budget, then revokes it', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/keys');
    await page.getByLabel('Name', { exact: true }).fill('browser-made key');
    await page.getByLabel('Spend / day (USD)').fill('2.5');
    await page.getByRole('button', { name: 'Create key' }).click();

    const secret = (await page.getByTestId('new-key-secret').textContent()) ?? '';
    expect(secret).toMatch(/^sk-slw-/);
    const models = await fetch(`${browser.gateway.baseUrl}/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(models.status).toBe(200);
    const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'browser-made key' }) });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('$2.50/day');
    await browser.expectAccessible(page);

    // Shown once: a reload (or any other visit) never shows the secret again.
    await page.reload();
    await page.getByRole('rowheader', { name: 'browser-made key' }).waitFor();
    expect(await page.getByTestId('new-key-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Usage of browser-made key' }).click();
    await page.getByRole('progressbar', { name: /Spend today: \$0\.00 of \$2\.50/ }).waitFor();
    await browser.expectAccessible(page);

    await row.getByRole('button', { name: 'Revoke browser-made key' }).click();
    await page.getByRole('alertdialog', { name: 'Revoke browser-made key?' }).waitFor();
    await page.getByRole('button', { name: 'Confirm revoke' }).click();
    await row.getByText('revoked').waitFor();
    expect(await row.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    const refused = await fetch(`${browser.gateway.baseUrl}/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status).toBe(401);
  });

  it('keeps a key when the revocation is cancelled', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/keys');
    const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'app key' }) });
    await row.getByRole('button', { name: 'Revoke app key' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.getByText('active').count()).toBe(1);
    const models = await fetch(`${browser.gateway.baseUrl}/v1/models`, {
      headers: { authorization: `Bearer ${browser.gateway.appKey}` },
    });
    expect(models.status).toBe(200);
  });

  it('shows an API validation error instead of creating a bad key', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/keys');
    await page.getByLabel('Name', { exact: true }).fill('bad limits');
    await page.getByLabel('Requests / minute').fill('1.5');
    // The browser's own step validation would stop the form; the API must reject it too when it gets through.
    await page.getByLabel('Requests / minute').evaluate((input) => input.setAttribute('step', 'any'));
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Could not create the key');
    expect(await page.getByTestId('new-key-secret').count()).toBe(0);
  });
});
