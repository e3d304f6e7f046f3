import { expect } from 'chai';
import ICAL from 'ical.js';
import request from 'supertest';
import { eventuallyAsync, startTestServer, T0, type TestServer } from '../helpers/server.js';
import { type Staff, staff } from './reports-helpers.js';

const MIN = 60_000;
const tokenOf = (url: string) => url.split('/join/')[1] ?? '';

/** The events of an iCalendar text, read by a real parser (ical.js). */
function events(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate().toISOString(),
      status: v.getFirstPropertyValue('status'),
    };
  });
}

describe('debrief, improvement items and the calendar over HTTP', () => {
  let t: TestServer;
  let facilitator: Staff;
  let viewer: Staff;
  let people: { id: string; name: string }[];
  before(async () => {
    t = await startTestServer();
    facilitator = await staff(t.server.url, 'facilitator', t.server.seeded?.password ?? '');
    const made = await facilitator
      .post('/api/accounts', { username: 'reader', role: 'viewer' })
      .expect(201);
    viewer = await staff(t.server.url, 'reader', made.body.password);
    people = (await facilitator.get('/api/people').expect(200)).body.people;
  });
  after(async () => {
    await t?.stop();
  });

  describe('POST /api/join/:token/debrief', () => {
    let drillId: string;
    let tokens: string[];
    before(async () => {
      const res = await facilitator
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          mode: 'now',
          assignments: [
            { role: 'operator', personId: people[1]?.id },
            { role: 'communicator', personId: people[3]?.id },
          ],
        })
        .expect(201);
      drillId = res.body.drill.id;
      tokens = (res.body.links as { url: string }[]).map((l) => tokenOf(l.url));
    });

    it('is not open while the drill runs (409), and opens when it ends', async () => {
      const early = await request(t.server.url)
        .post(`/api/join/${tokens[0]}/debrief`)
        .send({ wentWell: 'x', didNotGoWell: 'y' })
        .expect(409);
      expect(early.body.error.code).to.equal('not-ended');
      await facilitator.post(`/api/drills/${drillId}/end`).expect(200);
      // At once: the debrief opens with the durable 'ended' entry.
      const res = await request(t.server.url)
        .post(`/api/join/${tokens[0]}/debrief`)
        .send({ wentWell: 'The page rang at once.', didNotGoWell: 'I waited for an instruction.' })
        .expect(201);
      expect(res.body.debrief).to.deep.equal({
        role: 'operator',
        wentWell: 'The page rang at once.',
        didNotGoWell: 'I waited for an instruction.',
        submittedAt: new Date(T0).toISOString(),
      });
    });

    it('takes a post without any session or CSRF token, even from a browser signed in as staff', async () => {
      // A join link carries its own authority (the token in the path): nothing for CSRF to ride.
      const agent = request.agent(t.server.url);
      await agent
        .post('/api/session')
        .send({ username: 'facilitator', password: t.server.seeded?.password })
        .expect(200);
      await agent
        .post(`/api/join/${tokens[1]}/debrief`)
        .send({ wentWell: 'Dashboard up fast.', didNotGoWell: '' })
        .expect(201);
    });

    it('replaces the first answer with a second, and shows it in the report with the name for staff only', async () => {
      await request(t.server.url)
        .post(`/api/join/${tokens[0]}/debrief`)
        .send({ wentWell: 'Second thoughts: the bridge worked.', didNotGoWell: 'Nothing else.' })
        .expect(201);
      const mine = await request(t.server.url).get(`/api/join/${tokens[0]}/debrief`).expect(200);
      expect(mine.body.debrief.wentWell).to.equal('Second thoughts: the bridge worked.');
      const report = (await facilitator.get(`/api/drills/${drillId}/report`).expect(200)).body;
      expect(report.debriefs).to.have.length(2);
      const op = report.debriefs.find((d: { role: string }) => d.role === 'operator');
      expect(op).to.include({
        person: people[1]?.name,
        wentWell: 'Second thoughts: the bridge worked.',
      });
      const seen = (await viewer.get(`/api/drills/${drillId}/report?format=html`).expect(200)).text;
      expect(seen).to.include('Second thoughts: the bridge worked.');
      expect(seen).to.not.include(people[1]?.name ?? '?');
    });

    it('refuses a bad body with a message naming the field, and keeps the stored answer', async () => {
      const long = await request(t.server.url)
        .post(`/api/join/${tokens[0]}/debrief`)
        .send({ wentWell: 'x'.repeat(2001), didNotGoWell: '' })
        .expect(400);
      expect(long.body.error.message).to.match(/^wentWell: /);
      const extra = await request(t.server.url)
        .post(`/api/join/${tokens[0]}/debrief`)
        .send({ wentWell: '', didNotGoWell: '', rating: 5 })
        .expect(400);
      expect(extra.body.error.message).to.include('rating');
      const missing = await request(t.server.url)
        .post(`/api/join/${tokens[0]}/debrief`)
        .send({ wentWell: 'ok' })
        .expect(400);
      expect(missing.body.error.message).to.match(/^didNotGoWell: /);
      const mine = await request(t.server.url).get(`/api/join/${tokens[0]}/debrief`).expect(200);
      expect(mine.body.debrief.wentWell).to.equal('Second thoughts: the bridge worked.');
    });

    it('answers 404 for a revoked link and for an archived drill, like an unknown one', async () => {
      await eventuallyAsync('the drill to be ended', async () => {
        const res = await facilitator.get(`/api/drills/${drillId}`);
        return res.body.drill.status === 'ended';
      });
      const drill = t.server.catalogue.read().drills.find((d) => d.id === drillId);
      const link = t.server.catalogue
        .read()
        .joinLinks.find((l) => l.drillId === drillId && l.role === 'communicator');
      await facilitator.post(`/api/drills/${drillId}/links/${link?.id}/revoke`).expect(200);
      const revoked = await request(t.server.url)
        .post(`/api/join/${tokens[1]}/debrief`)
        .send({ wentWell: '', didNotGoWell: '' })
        .expect(404);
      const unknown = await request(t.server.url)
        .post(`/api/join/fd_join_${'A'.repeat(43)}/debrief`)
        .send({ wentWell: '', didNotGoWell: '' })
        .expect(404);
      expect(revoked.body).to.deep.equal(unknown.body);
      expect(drill?.status).to.equal('ended');
      await facilitator.post(`/api/drills/${drillId}/archive`).expect(200);
      await request(t.server.url)
        .post(`/api/join/${tokens[0]}/debrief`)
        .send({ wentWell: '', didNotGoWell: '' })
        .expect(404);
    });
  });

  describe('improvement items', () => {
    let drillId: string;
    before(() => {
      drillId = t.server.seeded?.finishedDrill.id ?? '';
    });

    it('generates them from the verdicts: the demo drill declared late and promised an ETA', async () => {
      const { improvements } = (
        await facilitator.get(`/api/drills/${drillId}/improvements`).expect(200)
      ).body;
      expect(improvements.map((i: { id: string }) => i.id)).to.include.members([
        'step:declare-incident',
        'rule:no-promised-resolution-time',
      ]);
      const declare = improvements.find((i: { id: string }) => i.id === 'step:declare-incident');
      expect(declare).to.include({ status: 'open', generated: true });
      expect(declare.observation).to.match(
        /^Control Tower: "Declare the incident on the secondary messenger" was late — done [0-9]+m( [0-9]+s)? late at \d\d:\d\d:\d\d\.$/,
      );
      expect(declare.concerns).to.deep.equal({
        kind: 'step',
        id: 'declare-incident',
        title: 'Declare the incident on the secondary messenger',
      });
    });

    it('keeps a facilitator’s edit, shows it in the report, and hides the owner from viewers', async () => {
      const res = await facilitator
        .patch(`/api/drills/${drillId}/improvements/step:declare-incident`, {
          owner: 'Lee Seo-yeon',
          dueDate: '2026-12-15',
          status: 'in-progress',
          recommendation: 'Declare on the first confirmed report; do not wait for the grade.',
        })
        .expect(200);
      expect(res.body.improvement).to.include({
        owner: 'Lee Seo-yeon',
        dueDate: '2026-12-15',
        status: 'in-progress',
        generated: false,
      });
      await facilitator
        .patch(`/api/drills/${drillId}/improvements/step:declare-incident`, { status: 'done' })
        .expect(200);
      const again = (
        await facilitator.get(`/api/drills/${drillId}/improvements`)
      ).body.improvements.find((i: { id: string }) => i.id === 'step:declare-incident');
      expect(again).to.include({
        owner: 'Lee Seo-yeon',
        status: 'done',
        recommendation: 'Declare on the first confirmed report; do not wait for the grade.',
      });
      const md = (await facilitator.get(`/api/drills/${drillId}/report?format=md`)).text;
      expect(md).to.include(
        '| Declare on the first confirmed report; do not wait for the grade. | Lee Seo-yeon | 2026-12-15 | done |',
      );
      const seen = (await viewer.get(`/api/drills/${drillId}/improvements`).expect(200)).body
        .improvements;
      expect(
        seen.find((i: { id: string }) => i.id === 'step:declare-incident'),
      ).to.not.have.property('owner');
    });

    it('adds an item by hand, and refuses bad edits without storing them', async () => {
      const made = await facilitator
        .post(`/api/drills/${drillId}/improvements`, {
          observation: 'The bridge number was not posted.',
          owner: 'Kim Min-jun',
          dueDate: '2026-12-01',
        })
        .expect(201);
      expect(made.body.improvement.id).to.match(/^custom:/);
      expect(made.body.improvement).to.include({ status: 'open', owner: 'Kim Min-jun' });
      const bad = await facilitator
        .patch(`/api/drills/${drillId}/improvements/step:declare-incident`, {
          dueDate: 'next week',
        })
        .expect(400);
      expect(bad.body.error.message).to.match(/^dueDate: /);
      const unknown = await facilitator
        .patch(`/api/drills/${drillId}/improvements/step:nope`, { status: 'done' })
        .expect(404);
      expect(unknown.body.error.message).to.equal(
        `drill '${drillId}' has no improvement item 'step:nope'`,
      );
      const stored = t.server.catalogue.read().improvements.filter((e) => e.drillId === drillId);
      expect(stored.map((e) => e.id).sort()).to.deep.equal(
        [made.body.improvement.id, 'step:declare-incident'].sort(),
      );
      expect(stored.find((e) => e.id === 'step:declare-incident')?.dueDate).to.equal('2026-12-15');
    });
  });

  describe('GET /api/calendar.ics', () => {
    let scheduledId: string;
    let surpriseId: string;
    before(async () => {
      const at = await facilitator
        .post('/api/drills', {
          title: 'Quarterly Pangyo fire drill',
          scenario: 'kakao-pangyo-fire',
          mode: 'at',
          at: new Date(T0 + 7 * 24 * 60 * MIN).toISOString(),
          assignments: [{ role: 'operator', personId: people[1]?.id }],
        })
        .expect(201);
      scheduledId = at.body.drill.id;
      const surprise = await facilitator
        .post('/api/drills', {
          title: 'Unannounced drill',
          scenario: 'kakao-viral-surge',
          mode: 'surprise',
          window: {
            from: new Date(T0 + 24 * 60 * MIN).toISOString(),
            to: new Date(T0 + 3 * 24 * 60 * MIN).toISOString(),
          },
          assignments: [{ role: 'operator', personId: people[1]?.id }],
        })
        .expect(201);
      surpriseId = surprise.body.drill.id;
    });

    it('lists the drills scheduled for a set time and never a surprise drill', async () => {
      const res = await facilitator.get('/api/calendar.ics').expect(200);
      expect(res.headers['content-type']).to.match(/^text\/calendar/);
      const listed = events(res.text);
      expect(listed.map((e) => e.uid)).to.include(`${scheduledId}@firedrill`);
      expect(listed.find((e) => e.uid === `${scheduledId}@firedrill`)).to.deep.equal({
        uid: `${scheduledId}@firedrill`,
        summary: 'Drill: Quarterly Pangyo fire drill',
        start: new Date(T0 + 7 * 24 * 60 * MIN).toISOString(),
        status: 'CONFIRMED',
      });
      expect(res.text).to.not.include(surpriseId);
      expect(res.text).to.not.include('Unannounced drill');
      const surprise = t.server.catalogue.read().drills.find((d) => d.id === surpriseId);
      const drawn = Date.parse(surprise?.dueAt ?? '');
      expect(listed.map((e) => Date.parse(e.start))).to.not.include(drawn);
      for (const e of listed)
        expect(
          t.server.catalogue.read().drills.find((d) => `${d.id}@firedrill` === e.uid)?.mode,
        ).to.equal('at');
    });

    it('answers a secret feed URL without a session; a new URL retires the old one', async () => {
      const first = (await viewer.post('/api/calendar/token').expect(201)).body.url as string;
      const path = first.slice(first.indexOf('/api/'));
      const feed = await request(t.server.url).get(path).expect(200);
      expect(events(feed.text).map((e) => e.uid)).to.include(`${scheduledId}@firedrill`);
      const second = (await viewer.post('/api/calendar/token').expect(201)).body.url as string;
      const gone = await request(t.server.url).get(path).expect(404);
      expect(gone.body.error.code).to.equal('not-found');
      await request(t.server.url)
        .get(second.slice(second.indexOf('/api/')))
        .expect(200);
      await request(t.server.url).get('/api/calendar.ics').expect(401);
      await request(t.server.url).get('/api/calendar.ics?token=guess').expect(404);
    });
  });
});
