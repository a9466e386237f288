import { expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

// Port 9 (discard) on loopback refuses connections: every attempt fails fast, and one failure opens the breaker.
const CONFIG = `
providers:
  - { id: unreachable, kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1" }
routes:
  - model: flaky-model
    description: A route whose only upstream is down.
    targets: [ { provider: unreachable, model: gpt-4o-mini } ]
    retry: { maxAttempts: 1 }
    breaker: { failureThreshold: 1, cooldownMs: 600000 }
`;

describeBrowser('dashboard models & routes', () => {
  const browser = useBrowserSession({ configText: CONFIG });

  it('shows targets and weights, and the breaker opening live after upstream failures', async () => {
    const page = await browser.signIn('viewer');
    await page.goto('/routes');
    const route = page.getByRole('region', { name: /flaky-model/ });
    await route.getByText('A route whose only upstream is down.').waitFor();
    await route.getByRole('rowheader', { name: 'unreachable/gpt-4o-mini' }).waitFor();
    const breaker = route.locator('[data-breaker-state]');
    expect(await breaker.getAttribute('data-breaker-state')).toBe('closed');
    await browser.expectAccessible(page);

    const failed = await fetch(`${browser.gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${browser.gateway.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'flaky-model', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(failed.status).toBeGreaterThanOrEqual(500);

    // No reload: the page refreshes itself every few seconds.
    await expect.poll(() => breaker.getAttribute('data-breaker-state'), { timeout: 10_000 }).toBe('open');
    expect(await breaker.textContent()).toBe('open (skipped)');
    expect(await route.getByRole('row').nth(1).getByRole('cell').nth(3).textContent()).not.toBe('—');
  });
});
