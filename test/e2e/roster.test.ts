import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { tokenHash } from '../../server/http/auth/tokens.js';
import { CATALOGUE_FILE } from '../../server/store/catalogue-file.js';
import type { TestServer } from '../helpers/server.js';
import {
  expectNoSideScroll,
  person,
  screenshot,
  seriousFindings,
  withBrowserAndServer,
} from './browser.js';
import { signInPage } from './drill-pages.js';

describe('the roster page', function () {
  this.timeout(60_000);
  let browser: Browser;
  let t: TestServer;
  let staff: BrowserContext;
  let page: Page;
  withBrowserAndServer((b, s) => {
    browser = b;
    t = s;
  });
  before(async () => {
    staff = await person(browser, {
      permissions: ['clipboard-read', 'clipboard-write'],
      origin: t.server.url,
    });
    page = await staff.newPage();
    await signInPage(page, t.server.url, 'facilitator', t.server.seeded?.password ?? '');
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

  it('takes back from the page: a person removed, a team edited and deleted, an account disabled and enabled, a token revoked', async () => {
    // Made through the API: what the page is to take back.
    const f = t.facilitator;
    const leaving = await f.post('/api/people', { name: 'Nam Gi-ho' }).expect(201);
    const busy = await f.post('/api/people', { name: 'Yang Eun-bi' }).expect(201);
    await f
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        title: 'Friday fire drill',
        mode: 'at',
        at: new Date(t.clock.now() + 24 * 3_600_000).toISOString(),
        assignments: [{ role: 'communicator', personId: busy.body.person.id }],
      })
      .expect(201);
    await f
      .post('/api/teams', { name: 'Temp team', members: [leaving.body.person.id] })
      .expect(201);
    const viewer = await f
      .post('/api/accounts', { username: 'leaver', role: 'viewer' })
      .expect(201);
    const token = (await f.post('/api/tokens', { name: 'old CI' }).expect(201)).body
      .token as string;

    const p = await staff.newPage();
    let answer: 'accept' | 'dismiss' = 'accept';
    let asked = '';
    p.on('dialog', (dialog) => {
      asked = dialog.message();
      return answer === 'accept' ? dialog.accept() : dialog.dismiss();
    });
    await p.goto(`${t.server.url}/roster`);

    // Someone on a drill not started yet stays; the server says why, in its own words.
    await p.getByRole('button', { name: /^Remove\W+Yang Eun-bi$/ }).click();
    await p
      .locator('#person-status')
      .filter({ hasText: "'Yang Eun-bi' is on 1 drill(s) not over yet, 'Friday fire drill'" })
      .waitFor();
    expect(await p.locator('#people-table tr', { hasText: 'Yang Eun-bi' }).count()).to.equal(1);

    // Removing asks first: dismissed, nothing happens; accepted, the person is gone.
    answer = 'dismiss';
    await p.getByRole('button', { name: /^Remove\W+Nam Gi-ho$/ }).click();
    expect(asked).to.include('Remove Nam Gi-ho from the roster?');
    await request(t.server.url)
      .get(`/api/standby/${leaving.body.standbyUrl.split('/standby/')[1]}`)
      .expect(200);
    answer = 'accept';
    await p.getByRole('button', { name: /^Remove\W+Nam Gi-ho$/ }).click();
    await p.locator('#person-status').filter({ hasText: 'Removed Nam Gi-ho.' }).waitFor();
    expect(await p.locator('#people-table tr', { hasText: 'Nam Gi-ho' }).count()).to.equal(0);
    expect(await p.locator('#teams-table tr', { hasText: 'Temp team' }).textContent()).to.include(
      '—',
    );
    await request(t.server.url)
      .get(`/api/standby/${leaving.body.standbyUrl.split('/standby/')[1]}`)
      .expect(404);

    // A team edited in the team form, then deleted.
    await p.getByRole('button', { name: /^Edit\W+Temp team$/ }).click();
    expect(await p.locator('#h-add-team').textContent()).to.equal('Edit the team “Temp team”');
    expect(await p.locator('#team-name').inputValue()).to.equal('Temp team');
    await p.locator('#team-name').fill('Ansan day shift');
    await p.getByLabel('Time zone (IANA name)').fill('Asia/Tokyo');
    await p.locator('#team-members').getByLabel('Yang Eun-bi').check();
    await screenshot(p, 'roster-team-editing');
    await p.getByRole('button', { name: 'Save the team' }).click();
    await p.locator('#team-status').filter({ hasText: 'Saved.' }).waitFor();
    const edited = p.locator('#teams-table tr', { hasText: 'Ansan day shift' });
    expect(await edited.textContent()).to.include('Asia/Tokyo');
    expect(await edited.textContent()).to.include('Yang Eun-bi');
    expect(await p.locator('#h-add-team').textContent()).to.equal('Add a team');
    const teams = (await f.get('/api/teams').expect(200)).body.teams as {
      name: string;
      members: string[];
    }[];
    expect(teams.find((x) => x.name === 'Ansan day shift')?.members).to.deep.equal([
      busy.body.person.id,
    ]);
    await p.getByRole('button', { name: /^Delete\W+Ansan day shift$/ }).click();
    expect(asked).to.include('Delete the team “Ansan day shift”?');
    await p.locator('#team-status').filter({ hasText: 'Deleted “Ansan day shift”.' }).waitFor();
    expect(await p.locator('#teams-table tr', { hasText: 'Ansan day shift' }).count()).to.equal(0);
    const left = (await f.get('/api/teams').expect(200)).body.teams as { name: string }[];
    expect(left.map((x) => x.name)).to.not.include('Ansan day shift');

    // An account disabled (it cannot sign in) and enabled again (it can); no button on my own row.
    expect(
      await p
        .locator('#accounts-table tr', { hasText: 'facilitator' })
        .first()
        .locator('button')
        .count(),
    ).to.equal(0);
    const signIn = () =>
      request(t.server.url)
        .post('/api/session')
        .send({ username: 'leaver', password: viewer.body.password });
    await p.getByRole('button', { name: /^Disable\W+leaver$/ }).click();
    expect(asked).to.include('Disable leaver?');
    const row = p.locator('#accounts-table tr', { hasText: 'leaver' });
    await p.getByRole('button', { name: /^Enable\W+leaver$/ }).waitFor();
    expect(await row.textContent()).to.include('disabled');
    expect(await p.evaluate(() => document.activeElement?.textContent)).to.equal('Enable: leaver');
    await signIn().expect(401);
    await p.getByRole('button', { name: /^Enable\W+leaver$/ }).click();
    await p.getByRole('button', { name: /^Disable\W+leaver$/ }).waitFor();
    expect(await row.textContent()).to.include('active');
    await signIn().expect(200);

    // A token revoked: its very next request is refused.
    await request(t.server.url).get('/api/me').set('authorization', `Bearer ${token}`).expect(200);
    await p.getByRole('button', { name: /^Revoke\W+old CI$/ }).click();
    expect(asked).to.include('Revoke the API token “old CI”?');
    const tokenRow = p.locator('#tokens-table tr', { hasText: 'old CI' });
    await p.locator('#token-status').filter({ hasText: 'Revoked “old CI”.' }).waitFor();
    expect(await tokenRow.textContent()).to.include('revoked');
    expect(await tokenRow.locator('button').count()).to.equal(0);
    await request(t.server.url).get('/api/me').set('authorization', `Bearer ${token}`).expect(401);

    // After a reload the page draws it all from the store, and reads well wide and narrow.
    await p.reload();
    await p.locator('#tokens-table').waitFor();
    expect(await p.locator('#tokens-table tr', { hasText: 'old CI' }).textContent()).to.include(
      'revoked',
    );
    expect(await p.locator('#people-table tr', { hasText: 'Nam Gi-ho' }).count()).to.equal(0);
    await screenshot(p, 'roster-undo-1280');
    expect(await seriousFindings(p)).to.deep.equal([]);
    const phone = await person(browser, { width: 390, height: 844 });
    const narrow = await phone.newPage();
    await signInPage(narrow, t.server.url, 'facilitator', t.server.seeded?.password ?? '');
    await narrow.goto(`${t.server.url}/roster`);
    await narrow.locator('#tokens-table').waitFor();
    await screenshot(narrow, 'roster-undo-390');
    await expectNoSideScroll(narrow, 'the roster');
    await phone.close();
    await p.close();
  });

  it('takes a person off a scheduled drill from its console, before it starts', async () => {
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
      id: string;
      name: string;
    }[];
    const kim = people.find((x) => x.name === 'Kim Min-jun');
    const drill = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        title: 'Monday fire drill',
        mode: 'at',
        at: new Date(t.clock.now() + 48 * 3_600_000).toISOString(),
        assignments: [
          { role: 'operator', personId: kim?.id },
          { role: 'communicator', bot: true },
        ],
      })
      .expect(201);
    const id = drill.body.drill.id as string;
    const p = await staff.newPage();
    p.on('dialog', (dialog) => dialog.accept());
    await p.goto(`${t.server.url}/drills/${id}`);
    await p.locator('#scheduled').waitFor();
    const revoke = p.getByRole('button', { name: /^Revoke\W+Kim Min-jun, Operator$/ });
    await revoke.click();
    await p.locator('#assignments li[data-role="operator"][data-state="revoked"]').waitFor();
    const links = (await t.facilitator.get(`/api/drills/${id}`).expect(200)).body.links as {
      revokedAt?: string;
    }[];
    expect(links.map((l) => typeof l.revokedAt)).to.deep.equal(['string']);
    await screenshot(p, 'console-scheduled-revoked');
    expect(await seriousFindings(p)).to.deep.equal([]);
    await p.close();
  });
});
