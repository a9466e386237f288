import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, useBrowserSession } from './browser-session.js';

const SETUP = { kind: 'api_key', id: 'key_setup', label: 'setup' } as const;
// One more than a page of the list (50), so that the last id is alone on page 2.
const FILLERS = Array.from({ length: 50 }, (_, index) => ({ id: `v-${String(index + 1).padStart(2, '0')}` }));

describeBrowser('dashboard end users', () => {
  const browser = useBrowserSession();

  beforeAll(async () => {
    const { endUsers } = browser.gateway.app.principals;
    await endUsers.putEndUser(
      { id: 'u-ada', name: 'Ada', groups: ['finance', 'audit'], clearance: 'confidential' },
      SETUP,
    );
    await endUsers.syncEndUsers({ format: 'json', users: FILLERS }, { prune: false, dryRun: false }, SETUP);
  });

  const endUserOf = (id: string) =>
    fetch(`${browser.gateway.baseUrl}/api/principals/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${browser.gateway.adminKey}` },
    });

  it('lets a viewer page, filter and open end users, without the controls to change them', async () => {
    const page = await browser.signIn('viewer');
    await page.getByRole('link', { name: 'End users' }).click();
    await page.getByRole('heading', { name: 'End users', level: 1 }).waitFor();
    const ada = page.getByRole('row', { name: /u-ada/ });
    await ada.getByRole('cell', { name: 'audit, finance', exact: true }).waitFor();
    await ada.getByRole('cell', { name: 'confidential', exact: true }).waitFor();
    await page.getByText('Read-only: only admins change the directory.').waitFor();
    expect(await page.getByRole('heading', { name: 'Add an end user' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Sync from a file' }).count()).toBe(0);
    await browser.expectAccessible(page);

    await page.getByLabel('Filter this page (id, name, group or role)').fill('FINANCE');
    await expect.poll(() => page.getByRole('table').getByRole('row').count()).toBe(2);
    await page.getByLabel('Filter this page (id, name, group or role)').fill('');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('rowheader', { name: 'v-50' }).waitFor();
    expect(await page.getByRole('rowheader', { name: 'u-ada' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Previous' }).click();

    await page.getByRole('link', { name: 'u-ada' }).click();
    await page.getByRole('heading', { name: 'u-ada', level: 1 }).waitFor();
    await page
      .getByRole('row', { name: /Clearance/ })
      .getByText('confidential')
      .waitFor();
    expect(await page.getByRole('button', { name: 'Delete end user' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Search the documents as/ }).count()).toBe(0);
    await browser.expectAccessible(page);

    await page.getByRole('link', { name: 'All end users' }).click();
    await page.getByLabel('End user id').fill('nobody');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'nobody', level: 1 }).waitFor();
    await page.getByRole('alert').getByText('No end user "nobody"').waitFor();
  });

  it('lets an admin add, change, search as and delete an end user, showing the API’s refusals', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/principals');
    const add = page.getByRole('region', { name: 'Add an end user' });
    await add.getByLabel('Id').fill('carol@example.com');
    await add.getByLabel('Name').fill('Carol');
    await add.getByLabel('Groups').fill('oncall, finance');
    await add.getByLabel('Clearance').fill('top-secret');
    await add.getByRole('button', { name: 'Add end user' }).click();
    await add
      .getByRole('alert')
      .getByText(/"top-secret" is not one of the classification levels/)
      .waitFor();
    await browser.expectAccessible(page);
    await add.getByLabel('Clearance').fill('internal');
    await add.getByRole('button', { name: 'Add end user' }).click();
    await add.getByRole('status').getByText('Added carol@example.com.').waitFor();

    await add.getByLabel('Id').fill('u-ada');
    await add.getByRole('button', { name: 'Add end user' }).click();
    await add
      .getByRole('alert')
      .getByText(/"u-ada" is already in the directory/)
      .waitFor();
    expect(((await (await endUserOf('u-ada')).json()) as { clearance: string }).clearance).toBe(
      'confidential',
    );

    await page
      .getByRole('row', { name: /carol@example\.com/ })
      .getByRole('link')
      .click();
    await page.getByRole('heading', { name: 'carol@example.com', level: 1 }).waitFor();
    await page
      .getByRole('row', { name: /Groups/ })
      .getByText('finance, oncall')
      .waitFor();
    const change = page.getByRole('region', { name: 'Change' });
    await change.getByLabel('Roles').fill('analyst');
    await change.getByLabel('Disabled').check();
    await change.getByRole('button', { name: 'Save changes' }).click();
    await change.getByRole('status').getByText('Saved.').waitFor();
    await page
      .getByRole('row', { name: /Status/ })
      .getByText(/^disabled/)
      .waitFor();
    await browser.expectAccessible(page);
    const changed = (await (await endUserOf('carol@example.com')).json()) as {
      roles: string[];
      disabled: boolean;
    };
    expect(changed).toMatchObject({ roles: ['analyst'], disabled: true });

    await page.getByRole('link', { name: 'Search the documents as carol@example.com' }).click();
    await page.getByRole('heading', { name: 'Documents & retrieval' }).waitFor();
    expect(await page.getByLabel('End user (empty: anonymous)').inputValue()).toBe('carol@example.com');
    await page.goBack();

    await page.getByRole('button', { name: 'Delete end user' }).click();
    await page.getByRole('alertdialog', { name: 'Delete carol@example.com?' }).waitFor();
    await browser.expectAccessible(page);
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByRole('heading', { name: 'End users', level: 1 }).waitFor();
    await page.getByRole('rowheader', { name: 'u-ada' }).waitFor();
    expect(await page.getByRole('rowheader', { name: 'carol@example.com' }).count()).toBe(0);
    expect((await endUserOf('carol@example.com')).status).toBe(404);
  });

  it('lets an admin check a sync file, see its bad lines, and then apply it', async () => {
    const page = await browser.signIn('admin');
    await page.goto('/principals');
    const sync = page.getByRole('region', { name: 'Sync from a file' });
    const upload = (text: string) =>
      sync.getByLabel('Sync file').setInputFiles({
        name: 'people.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(text),
      });
    const tile = (label: string) => sync.locator('.tile', { hasText: label }).locator('dd');

    await upload('id,name,groups,clearance\nu-dan,Dan,engineering,internal\nu-eve,Eve,,secret\n');
    await sync.getByRole('button', { name: 'Check the file' }).click();
    await sync.getByRole('alert').getByText('Nothing was changed: 1 line(s) are invalid.').waitFor();
    await sync.getByText(/Line 3 \(u-eve\): clearance: "secret" is not one of/).waitFor();
    await browser.expectAccessible(page);

    await upload(
      'id,name,groups,clearance\nu-dan,Dan,engineering,internal\nu-ada,Ada,finance;audit,confidential\n',
    );
    await sync.getByRole('button', { name: 'Check the file' }).click();
    await sync.getByText('Dry run: nothing was changed. This is what the file would do.').waitFor();
    expect(await tile('Created').textContent()).toBe('1');
    expect(await tile('Unchanged').textContent()).toBe('1');
    expect((await endUserOf('u-dan')).status).toBe(404);

    await sync.getByLabel('Dry run (only report what would change)').uncheck();
    await sync.getByRole('button', { name: 'Sync the directory' }).click();
    await sync.getByText('The directory now matches the file.').waitFor();
    expect(await tile('Created').textContent()).toBe('1');
    expect(await tile('Removed').textContent()).toBe('0');
    expect((await endUserOf('u-dan')).status).toBe(200);
    await page.getByRole('rowheader', { name: 'u-dan' }).waitFor();
    await browser.expectAccessible(page);
  });
});
