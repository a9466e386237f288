import { expect, it } from 'vitest';
import type { PromptActor } from '../../src/services/prompt-actor.js';
import { describeBrowser, useBrowserSession } from './browser-session.js';

// A person: their test calls run as the service identity `user:<id>` of the default project, no key needed.
const ADMIN: PromptActor = {
  kind: 'user',
  id: 'usr_lead',
  role: 'admin',
  projectScope: null,
  label: 'lead@example.test',
};
const source = { gitCommit: 'c0ffee1234567890', gitAuthor: 'Ada', gitMessage: 'Shorten the refund window' };

function definition(policyDays: number) {
  return {
    name: 'support/triage',
    description: 'Answers from the refund policy.',
    model: 'offline-extractive',
    parameters: { temperature: 0 },
    messages: [
      { role: 'system', content: `Refunds are accepted within ${policyDays} days of purchase.` },
      { role: 'user', content: '{{question}}' },
    ],
    variables: { type: 'object', required: ['question'] },
    tests: [
      {
        name: 'refund window',
        variables: { question: 'How many days do I have for a refund?' },
        assert: [{ type: 'contains', value: '30 days' }],
      },
    ],
  };
}

describeBrowser('dashboard prompts', () => {
  const browser = useBrowserSession();

  it('lists prompts, and shows a prompt’s versions with a diff, its label history and its test runs', async () => {
    const { prompts } = browser.gateway.app;
    const push = (days: number) =>
      prompts.push([{ path: 'support/triage.prompt.yaml', definition: definition(days), source }], ADMIN);
    await push(30);
    const promoted = await prompts.promote('support/triage', { version: 1, label: 'production' }, ADMIN);
    expect(promoted.status).toBe('promoted');
    await push(14);
    const refused = await prompts.promote('support/triage', { version: 2, label: 'production' }, ADMIN);
    expect(refused.status).toBe('refused');

    const page = await browser.signIn('viewer');
    await page.goto('/prompts');
    const row = page.getByRole('row', { name: /support\/triage/ });
    await row.getByRole('cell', { name: 'v2', exact: true }).waitFor();
    await row.getByText('production → v1').waitFor();
    await browser.expectAccessible(page);

    await row.getByRole('link', { name: 'support/triage' }).click();
    await page.getByRole('heading', { name: 'support/triage', level: 1 }).waitFor();
    const versions = page.getByRole('table', { name: 'Versions, newest first' });
    await versions.getByRole('row', { name: /v1.*production/ }).waitFor();
    await versions.getByText('Shorten the refund window').first().waitFor();

    const diff = page.getByLabel('Changes from v1 to v2');
    await diff.getByText(/^-.*30 days/).waitFor();
    await diff.getByText(/^\+.*14 days/).waitFor();

    const moves = page.getByRole('table', { name: 'Label moves, newest first' });
    await moves.getByRole('row', { name: /production.*promote/ }).waitFor();
    expect(await moves.getByRole('row').count()).toBe(4);

    const runs = page.getByRole('region', { name: 'Test runs' });
    await runs.getByText('0 of 1 cases passed').waitFor();
    await runs.getByText('1 of 1 cases passed').waitFor();
    await runs.getByText(/v2 on/).click();
    await runs.getByText(/expected to contain .30 days., got: .*14 days/).waitFor();
    await browser.expectAccessible(page);
    expect(browser.pageErrors).toEqual([]);
  });
});
