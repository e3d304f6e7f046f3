import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { tokenHash } from '../../server/http/auth/tokens.js';
import { CATALOGUE_FILE } from '../../server/store/catalogue-file.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launch, person, screenshot } from './browser.js';
import { signInPage } from './drill-pages.js';

describe('the roster page', function () {
  this.timeout(60_000);
  let browser: Browser;
  let t: TestServer;
  let staff: BrowserContext;
  let page: Page;
  before(async () => {
    browser = await launch();
    t = await startTestServer();
    staff = await person(browser, {
      permissions: ['clipboard-read', 'clipboard-write'],
      origin: t.server.url,
    });
    page = await staff.newPage();
    await signInPage(page, t.server.url, 'facilitator', t.server.seeded?.password ?? '');
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('adds a person (standby link shown once) and a team, who are then offered for a new drill', async () => {
    page.on('dialog', (dialog) => dialog.accept());
    await page.getByRole('link', { name: 'Roster' }).click();
    await page.waitForURL(/\/roster$/);
    await page.getByLabel('Name', { exact: true }).first().fill('Oh Seung-woo');
    await page.getByLabel('E-mail (optional)').fill('seungwoo.oh@example.kr');
    await page.getByRole('button', { name: 'Add a webhook' }).click();
    await page.getByLabel('Kind').selectOption({ label: 'Chat webhook' });
    await page.getByLabel('Webhook URL').fill('https://hooks.example.com/services/T0/B0/s3cret');
    await page.getByRole('button', { name: 'Add the person' }).click();

    // The standby link, once, with a copy button and the note saying so.
    const link = page.getByRole('textbox', { name: 'Standby link for Oh Seung-woo' });
    await link.waitFor();
    const url = await link.inputValue();
    expect(url).to.match(/^http:\/\/[^/]+\/standby\/fd_standby_[\w-]{43}$/);
    expect(await page.locator('.shown-once').textContent()).to.include('Shown once');
    await page.locator('.shown-once').getByRole('button', { name: 'Copy' }).click();
    await page.locator('.shown-once').getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(url);
    await screenshot(page, 'roster-person-added');
    const token = url.split('/standby/')[1] ?? '';
    await request(t.server.url).get(`/api/standby/${token}`).expect(200);
    const stored = await readFile(join(t.dataDir, CATALOGUE_FILE), 'utf8');
    expect(stored).to.not.include(token);
    expect(stored).to.include(tokenHash(token));

    // Listed, its webhook by kind and host only (a chat webhook's URL is its secret).
    const row = page.locator('#people-table tr', { hasText: 'Oh Seung-woo' });
    expect(await row.textContent()).to.include('Chat webhook (hooks.example.com)');
    expect(await row.textContent()).to.not.include('s3cret');

    // A team with the new person in it.
    await page.locator('#team-name').fill('Pangyo night shift');
    await page.getByLabel('Time zone (IANA name)').fill('Asia/Seoul');
    await page.locator('#team-members').getByLabel('Oh Seung-woo').check();
    await page.getByRole('button', { name: 'Add the team' }).click();
    await page.locator('#team-status').filter({ hasText: 'Added.' }).waitFor();
    const team = page.locator('#teams-table tr', { hasText: 'Pangyo night shift' });
    expect(await team.textContent()).to.include('Oh Seung-woo');

    // Shown once: after a reload the link is nowhere on the page.
    await page.reload();
    await page.locator('#people-table').waitFor();
    expect(await page.content()).to.not.include(token);
    expect(await page.locator('.shown-once').count()).to.equal(0);

    // The new drill page offers the team and, in it, the new person.
    await page.getByRole('link', { name: 'New drill' }).click();
    await page.getByLabel('Team').selectOption({ label: 'Pangyo night shift' });
    const operator = page.locator('select[data-role="operator"]').first();
    expect(await operator.locator('option').allTextContents()).to.deep.equal([
      '— a bot plays this role —',
      'Oh Seung-woo',
    ]);
    await operator.selectOption({ label: 'Oh Seung-woo' });
    await page.getByRole('button', { name: 'Schedule the drill' }).click();
    await page.locator('#created').waitFor();
    const drills = (await t.facilitator.get('/api/drills').expect(200)).body.drills as {
      teamId?: string;
      assignments: { role: string; personId?: string }[];
    }[];
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
      id: string;
      name: string;
    }[];
    const oh = people.find((p) => p.name === 'Oh Seung-woo');
    expect(drills.at(-1)?.assignments.find((a) => a.role === 'operator')?.personId).to.equal(
      oh?.id,
    );
  });

  it('adds a staff account and an API token, each secret shown once and working', async () => {
    await page.goto(`${t.server.url}/roster`);
    await page.getByLabel('Username').fill('han.evaluator');
    await page.getByLabel('Role').selectOption('evaluator');
    await page.getByRole('button', { name: 'Add the account' }).click();
    const password = await page
      .getByRole('textbox', { name: 'One-time password for han.evaluator' })
      .inputValue();
    const account = page.locator('#accounts-table tr', { hasText: 'han.evaluator' });
    expect(await account.textContent()).to.include('evaluator');
    const signedIn = await request(t.server.url)
      .post('/api/session')
      .send({ username: 'han.evaluator', password })
      .expect(200);
    expect(signedIn.body.account.role).to.equal('evaluator');

    await page.getByLabel('What it is for').fill('nightly CI');
    await page.getByRole('button', { name: 'Make the token' }).click();
    const token = await page.getByRole('textbox', { name: 'API token: nightly CI' }).inputValue();
    expect(token).to.match(/^fd_api_/);
    const row = page.locator('#tokens-table tr', { hasText: 'nightly CI' });
    expect(await row.textContent()).to.include('made by facilitator');
    await request(t.server.url).get('/api/me').set('authorization', `Bearer ${token}`).expect(200);

    // A username taken is refused with the server's own words, and nothing is shown.
    await page.getByLabel('Username').fill('han.evaluator');
    await page.getByRole('button', { name: 'Add the account' }).click();
    await page.locator('#account-status').filter({ hasText: 'is taken' }).waitFor();
    await page.reload();
    await page.locator('#accounts-table').waitFor();
    expect(await page.content()).to.not.include(password);
    expect(await page.content()).to.not.include(token);
  });

  it('re-issues a lost standby link from the page: the new one works, the old one no longer', async () => {
    await page.goto(`${t.server.url}/roster`);
    await page.getByLabel('Name', { exact: true }).first().fill('Bae Ji-ho');
    await page.getByRole('button', { name: 'Add the person' }).click();
    const first = await page
      .getByRole('textbox', { name: 'Standby link for Bae Ji-ho' })
      .inputValue();
    await page.getByRole('button', { name: 'I have saved it' }).press('Enter');
    expect(await page.locator('.shown-once').count()).to.equal(0);
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('person-name');

    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      return dialog.accept();
    });
    await page.getByRole('button', { name: /^New standby link\W+Bae Ji-ho$/ }).click();
    const field = page.getByRole('textbox', { name: 'Standby link for Bae Ji-ho' });
    await page.waitForFunction((old) => {
      const input = document.getElementById('standby-once') as HTMLInputElement | null;
      return Boolean(input && input.value !== old);
    }, first);
    expect(asked).to.include('The old link stops working');
    const second = await field.inputValue();
    const api = (url: string) => `/api/standby/${url.split('/standby/')[1]}`;
    await request(t.server.url).get(api(second)).expect(200);
    await request(t.server.url).get(api(first)).expect(404);
  });
});
