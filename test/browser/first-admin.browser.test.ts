import { expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

describeBrowser('dashboard first admin', () => {
  const browser = useBrowserSession();

  it('explains the CLI and creates the first admin with the bootstrap key, then signs in', async () => {
    const page = await browser.newPage();
    await page.goto('/');
    await page.waitForURL(/\/login/);
    await page.getByText('Nobody has an account yet.').waitFor();
    expect(await page.locator('pre').textContent()).toContain('slipway users create');
    await browser.expectAccessible(page);

    await page.getByLabel('Admin API key').fill('sk-slw-not-the-admin-key');
    await page.getByLabel('Name').fill('First Admin');
    await page.getByLabel('E-mail').fill('first@example.test');
    await page.getByLabel('Password').fill('the very first password');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Could not create the admin');

    await page.getByLabel('Admin API key').fill(browser.gateway.adminKey);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.getByText('first@example.test').waitFor();
    const setup = await fetch(`${browser.gateway.baseUrl}/api/auth/setup-status`);
    expect(await setup.json()).toEqual({ hasUsers: true });
  });
});
