import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { InteractionRecord } from '../../src/core/interaction.js';
import { anAttempt, anInteraction } from '../contract/store-fixtures.js';
import { describeBrowser, useBrowserSession } from './browser-session.js';

const EMAIL = 'alice.smith@example.com';
const HOUR = 3_600_000;
/** More than one page (50) of seeded records. */
const BULK = 60;
/** Ids of the records stored directly. */
const SEEDED = {
  costliestYesterday: 'int_yesterday_costliest',
  cheaperYesterday: 'int_yesterday_cheaper',
  costliestToday: 'int_today_costliest',
  cutOff: 'int_cut_off',
} as const;

/** Noon of the day before `now`, in this machine's time zone, which the browser shares. */
function yesterdayNoon(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12).getTime();
}

/** `agoMs` before now, but never before today's midnight, so "today" records stay today just after midnight. */
function earlierToday(agoMs: number): number {
  const now = new Date();
  return Math.max(
    new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime(),
    now.getTime() - agoMs,
  );
}

describeBrowser('interactions explorer', () => {
  const session = useBrowserSession({
    // A price on the offline model, so real requests have a cost to sort by.
    configText: 'prices:\n  offline-extractive: { inputPerMillion: 10, outputPerMillion: 20 }\n',
  });
  const noon = yesterdayNoon(new Date());

  async function chat(body: object): Promise<number> {
    const response = await fetch(`${session.gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.gateway.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return response.status;
  }

  beforeAll(async () => {
    // Real requests through the gateway: the redactor and the log writer do their work on these.
    expect(
      await chat({
        model: 'offline-extractive',
        temperature: 0.3,
        messages: [
          { role: 'system', content: 'You answer questions about orders.' },
          { role: 'user', content: `Please write to ${EMAIL} about the pineapple order.` },
        ],
      }),
    ).toBe(200);
    expect(await chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hello mango' }] })).toBe(
      404,
    );

    // Records of other days and shapes, stored directly: the gateway cannot be asked to have served them yesterday.
    const { app } = session.gateway;
    const [key] = (await app.keys.listApiKeys()).filter((candidate) => candidate.role === 'app');
    if (key === undefined) throw new Error('the test gateway has no app key');
    const base = { projectId: key.projectId, apiKeyId: key.id, modelRequested: 'offline-extractive' };
    const record = (id: string, overrides: Partial<InteractionRecord>) =>
      anInteraction({
        ...base,
        id,
        ...overrides,
        attempts: overrides.attempts ?? [anAttempt({ startedAt: overrides.startedAt ?? 0 })],
      });
    const records = [
      record(SEEDED.costliestYesterday, {
        startedAt: noon,
        costUsd: 2.25,
        latencyMs: 1_200,
        target: 'backup/gpt-4o',
        request: {
          model: 'offline-extractive',
          messages: [{ role: 'user', content: 'Summarise the quarterly report.' }],
        },
        // The primary failed with a 503 and the fallback served: two bars on the timeline.
        attempts: [
          anAttempt({
            index: 0,
            providerId: 'primary',
            model: 'gpt-4o',
            startedAt: noon,
            latencyMs: 300,
            status: 'error',
            errorCode: 'upstream_unavailable',
            errorMessage: 'upstream answered 503',
            upstreamStatus: 503,
          }),
          anAttempt({
            index: 1,
            providerId: 'backup',
            model: 'gpt-4o',
            startedAt: noon + 350,
            latencyMs: 850,
          }),
        ],
      }),
      record(SEEDED.cheaperYesterday, { startedAt: noon + HOUR, costUsd: 0.5 }),
      record(SEEDED.costliestToday, { startedAt: earlierToday(60_000), costUsd: 9.99 }),
      record(SEEDED.cutOff, {
        startedAt: earlierToday(120_000),
        stream: true,
        status: 'incomplete',
        errorCode: 'timeout',
        errorMessage: 'The stream exceeded its total time limit',
        response: {
          choices: [
            { index: 0, message: { role: 'assistant', content: 'The answer begins' }, finish_reason: null },
          ],
        },
      }),
      // Older traffic, enough for a second page.
      ...Array.from({ length: BULK }, (_, index) =>
        record(`int_bulk_${String(index).padStart(2, '0')}`, {
          startedAt: earlierToday(10 * 60_000 + index),
        }),
      ),
    ];
    await app.store.appendInteractions(records);
    await session.gateway.flushLog();
  });

  const rows = (page: Page) => page.locator('table.explorer-table tbody tr');
  /**
   * Clicks a quick pick and waits until the page shows it chosen: the router renders a new URL in a transition,
   * and the next pick must start from the new view, not the old one.
   */
  async function choose(page: Page, group: string, button: string): Promise<void> {
    const buttons = page.getByRole('group', { name: group });
    await buttons.getByRole('button', { name: button, exact: true }).click();
    await buttons.getByRole('button', { name: button, exact: true, pressed: true }).waitFor();
  }

  async function rowTexts(page: Page): Promise<string[]> {
    await rows(page).first().waitFor();
    return rows(page).allInnerTexts();
  }

  /** The detail page's heading shows at once; its sections only once the record has loaded. */
  async function waitForDetail(page: Page, heading: string | RegExp): Promise<void> {
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Attempts', level: 2 }).waitFor();
  }

  async function openInteractions(page: Page, query = ''): Promise<void> {
    await page.goto(session.url(`/interactions${query}`));
    await page.getByRole('heading', { name: 'Interactions', level: 1 }).waitFor();
  }

  it('finds an interaction by a word, and shows its attempts and redacted text', async () => {
    const page = await session.signIn('viewer');
    await openInteractions(page);
    await page.getByLabel('Search request and response text').fill('pineapple');
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]q=pineapple/);
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(1);
    expect((await rowTexts(page))[0]).toContain('offline-extractive');
    await session.expectAccessible(page);

    await rows(page).first().click();
    await waitForDetail(page, /^Interaction int_/);
    const attempts = page.locator('section[aria-labelledby="attempts-heading"] li');
    expect(await attempts.count()).toBe(1);
    expect(await attempts.first().innerText()).toContain('offline/offline-extractive');
    const mask = page.locator('section[aria-labelledby="request-heading"] mark.pii-mask', {
      hasText: '[EMAIL]',
    });
    expect(await mask.isVisible()).toBe(true);
    await page.getByText('Raw record (redacted JSON)').click();
    expect(await page.content()).not.toContain(EMAIL);
    await session.expectAccessible(page);

    // Back returns to the same search.
    await page.getByRole('link', { name: '← Interactions' }).click();
    await page.waitForURL(/[?&]q=pineapple/);
  });

  it('filters by status and sorts by cost, keeping both in the URL', async () => {
    const page = await session.signIn('viewer');
    await openInteractions(page);
    await choose(page, 'Status', 'Error');
    await page.waitForURL(/[?&]status=error/);
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(1);
    expect((await rowTexts(page))[0]).toContain('no-such-model');

    await page.goBack();
    await page.waitForURL((url) => !url.search.includes('status='));
    await page.getByRole('button', { name: 'Any status', pressed: true }).waitFor();
    await choose(page, 'Sort by', 'Cost');
    await page.waitForURL(/[?&]sort=cost/);
    // The costliest record overall heads the list once the sorted page has replaced the recent one.
    await expect
      .poll(() => rows(page).first().locator('a').getAttribute('href'), { timeout: 10_000 })
      .toBe(`/interactions/${SEEDED.costliestToday}`);
    const costs = await page.locator('table.explorer-table tbody tr td:nth-child(8)').allInnerTexts();
    const values = costs.map((text) => Number(text.replace('$', '')));
    expect(values.length).toBeGreaterThanOrEqual(5);
    expect(values).toEqual([...values].sort((left, right) => right - left));
    expect(await rows(page).first().innerText()).toContain('$9.99');
    await session.expectAccessible(page);
  });

  it('finds the interaction that cost the most yesterday in three clicks', async () => {
    const page = await session.signIn('viewer');
    // In the explorer, the time and sort quick picks make the same view.
    await openInteractions(page);
    await choose(page, 'Time', 'Yesterday');
    await page.waitForURL(/[?&]range=yesterday/);
    await choose(page, 'Sort by', 'Cost');
    await page.waitForURL((url) => url.search === '?range=yesterday&sort=cost');

    // From the start page: the navigation, the quick view, the first row.
    await page.goto(session.url('/'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Interactions' }).click(); // 1
    await page
      .getByRole('navigation', { name: 'Quick views' })
      .getByRole('link', { name: 'Costliest yesterday' })
      .click(); // 2
    await page.waitForURL((url) => url.search === '?range=yesterday&sort=cost');
    // The router renders the new view in a transition, after the URL changes.
    await page.getByRole('button', { name: 'Yesterday', pressed: true }).waitFor();
    await page.getByRole('button', { name: 'Cost', pressed: true }).waitFor();
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(2);
    // Today's costlier record is outside the range; yesterday's two are in cost order.
    expect(await rows(page).nth(1).locator('a').getAttribute('href')).toBe(
      `/interactions/${SEEDED.cheaperYesterday}`,
    );
    await rows(page).first().click(); // 3
    await page.waitForURL(new RegExp(`/interactions/${SEEDED.costliestYesterday}$`));
    await waitForDetail(page, `Interaction ${SEEDED.costliestYesterday}`);
    const attempts = page.locator('section[aria-labelledby="attempts-heading"] li');
    expect(await attempts.count()).toBe(2);
    expect(await attempts.nth(0).innerText()).toMatch(
      /error[\s\S]*upstream HTTP 503[\s\S]*upstream answered 503/,
    );
    expect(await attempts.nth(1).innerText()).toMatch(/success[\s\S]*started at \+350 ms/);
    expect(await page.getByText('$2.25', { exact: true }).isVisible()).toBe(true);
  });

  it('pages with "Load more" and opens a row from the keyboard', async () => {
    const page = await session.signIn('developer');
    await openInteractions(page);
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    // 2 real requests and 4 records of other shapes beside the bulk.
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(BULK + 6);
    expect(await page.getByText('end of results').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    const last = rows(page).last().locator('a');
    const href = await last.getAttribute('href');
    await last.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === href);
    // The oldest record is at the bottom: yesterday's first one.
    expect(href).toBe(`/interactions/${SEEDED.costliestYesterday}`);
    await waitForDetail(page, `Interaction ${SEEDED.costliestYesterday}`);
  });

  it('marks the partial response of a stream that was cut off', async () => {
    const page = await session.signIn('viewer');
    await openInteractions(page, '?status=incomplete');
    await page.locator(`a[href="/interactions/${SEEDED.cutOff}"]`).click();
    await page.getByRole('heading', { name: 'Response (partial)' }).waitFor();
    expect(await page.getByText('Incomplete stream.').isVisible()).toBe(true);
    expect(await page.getByText('The answer begins', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('none (cut off)').isVisible()).toBe(true);
    await session.expectAccessible(page);
    expect(session.pageErrors.filter((error) => error.startsWith('pageerror'))).toEqual([]);
  });
});
