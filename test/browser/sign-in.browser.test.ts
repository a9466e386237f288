import { expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

describeBrowser('dashboard sign-in', () => {
  const browser = useBrowserSession();

  it('signs in with e-mail and password and lands on the overview', async () => {
    const page = await browser.signIn('admin');
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByText(browser.users.admin?.email ?? 'missing user').waitFor();
    await browser.expectAccessible(page);
  });

  it('has an accessibility check that catches a serious violation', async () => {
    const page = await browser.newPage();
    await page.goto('/login');
    await browser.expectAccessible(page);
    // An unnamed button is a critical axe violation (button-name); the check must not pass it.
    await page.evaluate(`document.body.appendChild(document.createElement('button'))`);
    await expect(browser.expectAccessible(page)).rejects.toThrow(/critical button-name/);
  });

  it('shows an error for a wrong password and stays signed out', async () => {
    const user = await browser.createUser('developer');
    const page = await browser.newPage();
    await page.goto('/login');
    await browser.expectAccessible(page);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('wrong');
    const session = await page.request.get('/api/auth/session');
    expect(session.status()).toBe(401);
  });

  it('says so when sign-in is rate limited after repeated failures', async () => {
    await browser.createUser('viewer'); // someone exists, so /login shows the sign-in form
    const page = await browser.newPage();
    await page.goto('/login');
    await page.getByLabel('E-mail').fill('somebody@example.test');
    await page.getByLabel('Password').fill('guessing again and again');
    const alert = page.getByRole('alert');
    // The default allows 5 failures per e-mail address per window; the 6th attempt is refused outright.
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const answered = page.waitForResponse('**/api/auth/login', { timeout: 30_000 });
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      expect((await answered).status()).toBe(attempt <= 5 ? 401 : 429);
    }
    await expect.poll(() => alert.textContent()).toContain('Too many sign-in attempts');
  });

  it('sends a signed-out visitor to the login form and back to the page after signing in', async () => {
    const user = await browser.createUser('viewer');
    const page = await browser.newPage();
    await page.goto('/routes');
    await page.waitForURL(/\/login\?next=%2Froutes/);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Models & routes', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/routes');
  });

  it('signs out, after which the API refuses the old session', async () => {
    const page = await browser.signIn('viewer');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    expect((await page.request.get('/api/auth/session')).status()).toBe(401);
  });

  it('serves pages under a strict CSP that the dashboard never violates', async () => {
    const page = await browser.signIn('admin');
    for (const path of ['/', '/keys', '/routes', '/people', '/audit']) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
    }
    const response = await page.request.get('/keys', { headers: { accept: 'text/html' } });
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers()['x-frame-options']).toBe('DENY');
    expect(browser.pageErrors.filter((error) => /Content Security Policy|pageerror/.test(error))).toEqual([]);
  });
});
