import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';

export const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'] as const;

/** Moves the server's manual clock on and waits until the drills have written and sent it all. */
export async function advance(t: TestServer, ms: number): Promise<void> {
  t.clock.advance(ms);
  await t.server.service.settled();
}

/** Signs in through the sign-in page. */
export async function signInPage(page: Page, url: string, username: string, password: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/drills$/);
}

export interface ActInput {
  action: string;
  channel?: string;
  to?: string[];
  text?: string;
  fields?: Record<string, string>;
}

/** Takes an action through the participant console's form; resolves with its sequence number. */
export async function act(page: Page, input: ActInput): Promise<number> {
  await page.selectOption('#action', input.action);
  await page.selectOption('#channel', input.channel ?? '');
  for (const role of input.to ?? []) await page.check(`#to input[value="${role}"]`);
  for (const [field, value] of Object.entries(input.fields ?? {})) {
    const el = page.locator(`[data-field="${field}"]`);
    if ((await el.evaluate((x) => x.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  await page.fill('#text', input.text ?? '');
  const status = page.locator('#act-status');
  const before = await status.textContent();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForFunction((old) => {
    const now = document.getElementById('act-status')?.textContent ?? '';
    return now !== old && /Recorded as #\d+|Not recorded/.test(now);
  }, before);
  expect(await status.textContent()).to.match(/Recorded as #\d+/);
  for (const role of input.to ?? []) await page.uncheck(`#to input[value="${role}"]`);
  return Number((await status.textContent())?.match(/#(\d+)/)?.[1]);
}

/**
 * Schedules a Pangyo fire drill now through the API: the roster's people in order for the
 * roles given, a bot for each of `bots`. Returns its id, each role's join path (the last one
 * for a role with several people) and every join path in the order of `roles`.
 */
export async function drillNow(
  t: TestServer,
  roles: readonly string[] = ROLES,
  bots: readonly string[] = [],
): Promise<{ id: string; links: Record<string, string>; all: string[] }> {
  const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
    id: string;
  }[];
  const res = await t.facilitator
    .post('/api/drills', {
      scenario: 'kakao-pangyo-fire',
      mode: 'now',
      assignments: [
        ...roles.map((role, i) => ({ role, personId: people[i]?.id })),
        ...bots.map((role) => ({ role, bot: true })),
      ],
    })
    .expect(201);
  const links = (res.body.links as { role: string; url: string }[]).map((l) => [
    l.role,
    new URL(l.url).pathname,
  ]);
  return {
    id: res.body.drill.id as string,
    links: Object.fromEntries(links),
    all: links.map(([, path]) => path as string),
  };
}
