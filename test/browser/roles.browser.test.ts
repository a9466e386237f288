import { expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

describeBrowser('dashboard roles', () => {
  const browser = useBrowserSession();

  it('hides admin actions from a viewer, and the API refuses them when forced from the page', async () => {
    const page = await browser.signIn('viewer');
    await page.goto('/keys');
    await page.getByRole('rowheader', { name: 'app key' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Create a key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    await page.getByText('Read-only: only admins create or revoke keys.').waitFor();
    await browser.expectAccessible(page);

    await page.goto('/people');
    await page.getByRole('rowheader', { name: /viewer-/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'Add a person' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Disable|Reset password/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await browser.expectAccessible(page);

    // The same call the admin UI makes, sent by the viewer's page with its session and CSRF token.
    const status = await page.evaluate(async () => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const response = await fetch('/api/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ name: 'forced by a viewer' }),
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    });
    expect(status.status).toBe(403);
    expect(status.body.error.code).toBe('forbidden');
    const keys = await fetch(`${browser.gateway.baseUrl}/api/keys`, {
      headers: { authorization: `Bearer ${browser.gateway.adminKey}` },
    });
    const names = ((await keys.json()) as { data: Array<{ name: string }> }).data.map((key) => key.name);
    expect(names).not.toContain('forced by a viewer');
  });

  it('tells a developer the audit log is for admins, and the API refuses it', async () => {
    const page = await browser.signIn('developer');
    await page.goto('/audit');
    await page.getByText('Only admins can read the audit log.').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/audit')).status);
    expect(status).toBe(403);
  });

  it('lets an admin add a person, change the role, disable and re-enable, and read the audit trail', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/people');
    await browser.expectAccessible(page);
    await page.getByLabel('E-mail').fill('new.person@example.test');
    await page.getByLabel('Name').fill('New Person');
    await page.getByLabel('Initial password').fill('a long enough password');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByText('new.person@example.test can now sign in.').waitFor();

    const row = page.locator('tr[data-user-email="new.person@example.test"]');
    await row.getByLabel('Role of new.person@example.test').selectOption('developer');
    await row.getByText('Role changed.').waitFor();
    await row.getByRole('button', { name: 'Disable new.person@example.test' }).click();
    await row.getByText('disabled', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Enable new.person@example.test' }).click();
    await row.getByText('active', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Reset password of new.person@example.test' }).click();
    await row.getByLabel('New password').fill('another long password');
    await row.getByRole('button', { name: 'Set password', exact: true }).click();
    await row.getByText('Password changed.').waitFor();

    const login = await fetch(`${browser.gateway.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new.person@example.test', password: 'another long password' }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { user: { role: string } }).user.role).toBe('developer');

    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit events, newest first' });
    await table.waitFor();
    for (const action of [
      'user.create',
      'user.role_change',
      'user.disable',
      'user.enable',
      'user.password_change',
    ]) {
      expect(await table.getByRole('rowheader', { name: action, exact: true }).count()).toBeGreaterThan(0);
    }
    await page.getByLabel('Action').selectOption('user.disable');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await browser.expectAccessible(page);
  });
});
