import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { scoreDrill } from '../../server/domain/scoring/score.js';
import type { TestServer } from '../helpers/server.js';
import { person, screenshot, withBrowserAndServer } from './browser.js';
import { act, advance, drillNow, ROLES, signInPage } from './drill-pages.js';

const MIN = 60_000;
type Role = (typeof ROLES)[number];

describe('a drill run through the browser pages', function () {
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

  it('is scheduled, played by four people and scored, and the report shows score()’s verdicts', async () => {
    const password = t.server.seeded?.password ?? '';
    const staff = await person(browser, {
      permissions: ['clipboard-read', 'clipboard-write'],
      origin: t.server.url,
    });
    contexts.push(staff);
    const console = await staff.newPage();
    await signInPage(console, t.server.url, 'facilitator', password);
    await screenshot(console, 'drills-overview');

    // Schedule the Pangyo fire now, one person of the demo team per role.
    await console.getByRole('link', { name: 'Schedule a drill' }).click();
    await console.selectOption('#manual', 'pagerduty');
    // The preview is fetched when the choice changes: wait for it rather than read it at once.
    await console.locator('#preview', { hasText: 'Incident Commander' }).waitFor();
    await console.selectOption('#manual', 'kakao');
    await console.selectOption('#scenario', 'kakao-pangyo-fire');
    await console.getByLabel('Team').selectOption({ label: 'Pangyo on-call' });
    await console.locator('#preview-injects tbody tr', { hasText: 'Pangyo: power lost' }).waitFor();
    expect(await console.locator('#preview-injects tbody tr').count()).to.be.greaterThan(5);
    const people: Record<Role, string> = {
      'control-tower': 'Lee Seo-yeon',
      operator: 'Kim Min-jun',
      communicator: 'Choi Yu-na',
      'operations-lead': 'Jung Hae-won',
    };
    for (const role of ROLES)
      await console
        .locator(`select[data-role="${role}"]`)
        .first()
        .selectOption({ label: people[role] });
    await screenshot(console, 'new-drill');
    await console.getByRole('button', { name: 'Schedule the drill' }).click();
    await console.locator('#created').waitFor();
    await screenshot(console, 'new-drill-links');
    const links = {} as Record<Role, string>;
    for (const role of ROLES)
      links[role] = await console.locator(`#links input[data-role="${role}"]`).inputValue();
    await console.getByRole('button', { name: 'Copy' }).first().click();
    expect(await console.evaluate(() => navigator.clipboard.readText())).to.equal(
      await console.locator('#links input').first().inputValue(),
    );
    expect(Object.values(links).every((l) => /\/join\/fd_join_/.test(l))).to.equal(true);
    const drillId =
      (await console.locator('#open-console').getAttribute('href'))?.split('/').pop() ?? '';
    await console.locator('#open-console').click();
    await console.locator('#timeline li[data-type="drill-started"]').waitFor();

    // Four participants join by their links, each in a browser context of their own.
    const pages = {} as Record<Role, Page>;
    for (const role of ROLES) {
      const context = await person(browser);
      contexts.push(context);
      pages[role] = await context.newPage();
      await pages[role].goto(new URL(new URL(links[role]).pathname, t.server.url).toString());
      await pages[role].locator('#drill-status.status-running').waitFor();
    }
    await console.waitForFunction(
      () => document.querySelectorAll('#connected li[data-staff="false"]').length === 4,
    );

    // 00:02: the battery-room fire takes KakaoTalk, and with it the primary messenger, down.
    await advance(t, 2 * MIN + 5_000);
    const operator = pages.operator;
    await operator.locator('#inbox li[data-inject="battery-room-fire"]').waitFor();
    await operator
      .locator('#channels [data-channel="primary-messenger"][data-state="down"]')
      .waitFor();
    await operator.locator('#board tr[data-service="kakaotalk"][data-state="down"]').waitFor();
    // The operator reports on KakaoTalk although it is down: the page lets them.
    const wrong = await act(operator, {
      action: 'report-failure',
      channel: 'primary-messenger',
      text: 'Pangyo hosts unreachable, KakaoTalk down',
      fields: { service: 'kakaotalk', symptom: 'edge 5xx 100%' },
    });
    await screenshot(operator, 'participant-operator');
    await advance(t, 30_000);
    const declared = await act(pages['control-tower'], {
      action: 'declare-incident',
      channel: 'secondary-messenger',
      text: 'Incident declared: Pangyo power loss. Control Tower leads.',
    });
    await act(pages['control-tower'], {
      action: 'set-grade',
      fields: { grade: '1', reason: 'KakaoTalk down for most users' },
    });
    await advance(t, 30_000);
    const dashboard = await act(pages.communicator, {
      action: 'open-dashboard',
      channel: 'incident-dashboard',
      text: 'Dashboard open: Pangyo fire',
    });
    await advance(t, 30_000);
    const notice = await act(pages['operations-lead'], {
      action: 'post-external-notice',
      channel: 'status-page',
      text: 'Some Kakao services are unavailable. We are working on it.',
      fields: { audience: 'users' },
    });
    await screenshot(pages['control-tower'], 'participant-control-tower');

    // The facilitator's console shows every one of them as it happened.
    for (const seq of [wrong, declared, dashboard, notice])
      await console.locator(`#timeline li[data-seq="${seq}"]`).waitFor();
    expect(
      await console.locator(`#timeline li[data-seq="${wrong}"]`).getAttribute('class'),
    ).to.include('undelivered');
    await console.locator('#scores [data-role="operator"]').waitFor();
    await screenshot(console, 'console-live');

    // An ad-hoc inject to the communicator alone; a pause and a resume, seen by everyone.
    await console.getByRole('checkbox', { name: 'Communicator' }).check();
    await console.getByLabel('Title').fill('Press desk calls the communicator');
    await console
      .getByLabel('Text', { exact: true })
      .fill('Yonhap wants to know which services are down.');
    await console.getByRole('button', { name: 'Send the inject' }).click();
    await pages.communicator.locator('#inbox li.new', { hasText: 'Press desk calls' }).waitFor();
    expect(
      await pages.operator.locator('#inbox li', { hasText: 'Press desk calls' }).count(),
    ).to.equal(0);
    await console.getByRole('button', { name: 'Pause' }).click();
    for (const role of ROLES) await pages[role].locator('#drill-status.status-paused').waitFor();
    await console.getByRole('button', { name: 'Resume' }).click();
    for (const role of ROLES) await pages[role].locator('#drill-status.status-running').waitFor();

    // The facilitator ends it; the console offers the report.
    await advance(t, MIN);
    await console.getByRole('button', { name: 'End the drill' }).click();
    await console.locator('#report-link:not([hidden])').waitFor();
    for (const role of ROLES) await pages[role].locator('#debrief:not([hidden])').waitFor();
    await screenshot(pages.operator, 'participant-debrief');

    // The report shows exactly the verdicts score() gives on the stored log.
    const { entries } = await t.server.logs.read(drillId);
    const resolved = t.server.library.resolve('kakao-pangyo-fire');
    if (!resolved) throw new Error('the scenario is in the library');
    const card = scoreDrill(resolved.drill, entries);
    const charged = card.rules.filter((r) =>
      r.violations.some((v) => v.role === 'operator' && v.evidence.includes(wrong)),
    );
    expect(charged.map((r) => r.rule)).to.include('nothing-on-failed-primary');
    await console.locator('#report-link').click();
    await console.waitForURL(/\/report$/);
    const shown = await console.$$eval('[data-step][data-verdict]', (rows) =>
      rows.map((r) => [r.getAttribute('data-step'), r.getAttribute('data-verdict')]),
    );
    expect(shown).to.deep.equal(card.steps.map((s) => [s.step, s.verdict]));
    expect(
      new Set(card.steps.map((s) => s.verdict)).size,
      'verdicts of more than one kind',
    ).to.be.greaterThan(1);
    // One row per violation, the operator's report on the dead KakaoTalk among them.
    const rulesShown = await console.$$eval('[data-rule]', (rows) =>
      rows.map((r) => r.getAttribute('data-rule')),
    );
    expect(rulesShown.sort()).to.deep.equal(
      card.rules.flatMap((r) => r.violations.map(() => r.rule)).sort(),
    );
    for (const rule of charged) expect(rulesShown).to.include(rule.rule);
    await screenshot(console, 'report');
  });

  it('lets an evaluator note, record an off-platform action and override a verdict from the console', async () => {
    const account = await t.facilitator
      .post('/api/accounts', { username: 'eve', role: 'evaluator' })
      .expect(201);
    const { id: drillId } = await drillNow(t, ['operator']);
    const context = await person(browser);
    contexts.push(context);
    const page = await context.newPage();
    await signInPage(page, t.server.url, 'eve', account.body.password);
    await page.goto(`${t.server.url}/drills/${drillId}`);
    await page.locator('#timeline li[data-type="drill-started"]').waitFor();
    expect(
      await page.locator('#controls').count(),
      'an evaluator has no facilitator controls',
    ).to.equal(0);
    await advance(t, 3 * MIN);

    await page.getByLabel('Note').fill('Operator phoned the Control Tower instead of writing.');
    await page.getByRole('button', { name: 'Add the note' }).click();
    await page.locator('#timeline li[data-type="note"]').waitFor();

    await page.selectOption('#op-role', 'operator');
    await page.selectOption('#op-action', 'report-failure');
    await page.selectOption('#op-channel', 'bridge');
    await page.getByLabel('At drill time (mm:ss)').fill('2:30');
    await page.getByLabel('Where (phone call, bridge…)').fill('phone call');
    await page.getByLabel('What was said').fill('Pangyo is dark');
    await page.getByRole('button', { name: 'Record it' }).click();
    await page.locator('#timeline li[data-type="action"][data-role="operator"]').waitFor();

    await page.selectOption('#ov-step', 'acknowledge-page');
    await page.selectOption('#ov-verdict', 'on_time');
    await page.getByLabel('Reason').fill('Acknowledged on the phone; the pager tool was down.');
    await page.getByRole('button', { name: 'Override' }).click();
    await page.locator('#timeline li[data-type="override"]').waitFor();
    await page.waitForFunction(
      () =>
        document
          .querySelector('#scores [data-step="acknowledge-page"]')
          ?.getAttribute('data-verdict') === 'on_time',
    );
    await screenshot(page, 'console-evaluator');

    const { entries } = await t.server.logs.read(drillId);
    const offPlatform = entries.find((e) => e.type === 'action');
    expect(offPlatform).to.include({
      role: 'operator',
      action: 'report-failure',
      t: 150_000,
      medium: 'phone call',
      recordedBy: 'eve',
    });
    expect(entries.find((e) => e.type === 'note')).to.include({ by: 'eve' });
    expect(entries.find((e) => e.type === 'override')).to.deep.include({
      by: 'eve',
      target: { step: 'acknowledge-page', verdict: 'on_time' },
    });
  });

  it('starts a scheduled drill early from its console', async () => {
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
      id: string;
    }[];
    const created = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-viral-surge',
        mode: 'at',
        at: new Date(t.clock.now() + 24 * 60 * MIN).toISOString(),
        assignments: [{ role: 'operator', personId: people[1]?.id }],
      })
      .expect(201);
    const page = await (contexts[0] as BrowserContext).newPage();
    await page.goto(`${t.server.url}/drills/${created.body.drill.id}`);
    await page.locator('#scheduled time').first().waitFor();
    await screenshot(page, 'console-scheduled');
    await page.getByRole('button', { name: 'Start it now' }).click();
    await page.locator('#timeline li[data-type="drill-started"]').waitFor();
    expect(await page.locator('#drill-status').textContent()).to.equal('running');
    await page.close();
  });

  it('schedules a surprise drill from the page in the viewer’s time zone (KST here), stored in UTC', async () => {
    const page = await (contexts[0] as BrowserContext).newPage();
    await page.goto(`${t.server.url}/drills/new`);
    await page.selectOption('#scenario', 'kakao-new-year-peak');
    await page.getByLabel(/Surprise/).check();
    await page.getByLabel('Window opens (your time zone)').fill('2026-11-26T14:00');
    await page.getByLabel('Window closes (your time zone)').fill('2026-11-26T17:30');
    await page.getByRole('button', { name: 'Schedule the drill' }).click();
    await page.locator('#created').waitFor();
    expect(await page.locator('#not-yet').isVisible()).to.equal(true);
    const id = (await page.locator('#open-console').getAttribute('href'))?.split('/').pop();
    const record = t.server.catalogue.read().drills.find((d) => d.id === id);
    expect(record?.window).to.deep.equal({
      from: '2026-11-26T05:00:00.000Z',
      to: '2026-11-26T08:30:00.000Z',
    });
    expect(record?.assignments.every((a) => a.bot)).to.equal(true);
    await page.goto(`${t.server.url}/drills`);
    const row = page.locator(`table[data-list="upcoming"] tr[data-drill="${id}"]`);
    expect(await row.textContent()).to.include('surprise');
    await page.close();
  });
});
