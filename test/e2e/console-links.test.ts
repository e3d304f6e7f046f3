import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import request from 'supertest';
import type { TestServer } from '../helpers/server.js';
import { person, screenshot, withBrowserAndServer } from './browser.js';
import { drillNow, signInPage } from './drill-pages.js';

describe('revoking a join link from the live console', function () {
  this.timeout(60_000);
  let browser: Browser;
  let t: TestServer;
  const contexts: BrowserContext[] = [];
  after(async () => {
    for (const c of contexts) await c.close();
  });
  withBrowserAndServer((b, s) => {
    browser = b;
    t = s;
  });

  it('takes the participant off the drill: their open console shows the revoked banner', async () => {
    const drill = await drillNow(t, ['control-tower', 'operator'], ['communicator']);
    const participant = await person(browser);
    const staff = await person(browser);
    contexts.push(participant, staff);

    const operator = await participant.newPage();
    await operator.goto(`${t.server.url}${drill.links.operator}`);
    await operator.locator('#drill-status.status-running').waitFor();

    const console = await staff.newPage();
    await signInPage(console, t.server.url, 'facilitator', t.server.seeded?.password ?? '');
    await console.goto(`${t.server.url}/drills/${drill.id}`);
    const rows = console.locator('#assignments li');
    await rows.nth(2).waitFor();
    // Every assignment with its role; the person's link state; a bot as a bot.
    expect(await rows.allTextContents()).to.deep.equal([
      'Lee Seo-yeonControl Towerhas a linkRevoke: Lee Seo-yeon, Control Tower',
      'Kim Min-junOperatorhas a linkRevoke: Kim Min-jun, Operator',
      'Communicatorbot',
    ]);

    // Revoking asks first: dismissed, nothing happens.
    console.once('dialog', (dialog) => dialog.dismiss());
    await console.getByRole('button', { name: /^Revoke\W+Kim Min-jun, Operator$/ }).click();
    const api = await t.facilitator.get(`/api/drills/${drill.id}`).expect(200);
    const link = (api.body.links as { id: string; role: string; revokedAt?: string }[]).find(
      (l) => l.role === 'operator',
    );
    expect(link?.revokedAt).to.equal(undefined);

    let asked = '';
    console.once('dialog', (dialog) => {
      asked = dialog.message();
      return dialog.accept();
    });
    await console.getByRole('button', { name: /^Revoke\W+Kim Min-jun, Operator$/ }).click();
    expect(asked).to.include('Take Kim Min-jun off this drill?');
    await operator
      .locator('#banner:not([hidden])', { hasText: 'This link was withdrawn by the facilitator' })
      .waitFor();
    // The withdrawn participant's form no longer offers to send anything.
    expect(
      await operator
        .locator('#act button[type="submit"], #act button:not([type])')
        .first()
        .isDisabled(),
    ).to.equal(true);
    const row = console.locator('#assignments li[data-role="operator"]');
    await console.locator('#assignments li[data-role="operator"][data-state="revoked"]').waitFor();
    expect(await row.textContent()).to.equal('Kim Min-junOperatorrevoked');
    expect(await console.locator('#assignments-status').textContent()).to.equal(
      'Revoked: Kim Min-jun',
    );
    await screenshot(console, 'console-revoked');
    await screenshot(operator, 'participant-revoked');

    // The link opens nothing now; the control tower's still does.
    const token = drill.links.operator?.split('/join/')[1];
    await request(t.server.url).get(`/api/join/${token}`).expect(404);
    const other = drill.links['control-tower']?.split('/join/')[1];
    await request(t.server.url).get(`/api/join/${other}`).expect(200);
  });
});
