import { expect } from 'chai';
import { audienceOf } from '../../server/domain/engine/audience.js';
import type { DeliveredInject } from '../../server/domain/engine/state.js';
import { LogEntry } from '../../server/domain/schema/log.js';
import { Fault } from '../../server/runtime/bots/faults.js';
import { SocketBots } from '../../server/runtime/bots/socket-bots.js';
import type { DrillRunner } from '../../server/runtime/drill-runner.js';
import {
  eventually,
  socketUrl,
  startTestServer,
  T0,
  TestClient,
  type TestServer,
} from '../helpers/server.js';
import {
  describeLeak,
  leaks,
  momentForms,
  type Received,
  SCORE_KEYS,
  STARTS_IN,
} from './secrecy-scan.js';

/*
 * Secrecy over a whole drill: the Pangyo fire played start to end by bots over their own
 * sockets, ad-hoc injects for every role, a surprise drill scheduled for the same people, and
 * per-person scores on the finished drill. Everything each participant receives — every
 * socket message, a replay after the end, every answer of the routes a join or standby link
 * opens, at the start, mid-drill and after the end — is scanned for other roles' injects,
 * per-person scores, and the surprise drill's moment in any form.
 */

const MIN = 60_000;
/** Slips, so that each person's score is a number of its own (perfect bots would all get 100). */
const FAULTS = [
  { kind: 'late', step: 'declare-incident', by: '7m' },
  { kind: 'promise-eta', role: 'operations-lead' },
  { kind: 'wrong-channel', step: 'notify-externally', channel: 'secondary-messenger' },
].map((f) => Fault.parse(f));
const ROLES = ['control-tower', 'operator', 'operator', 'communicator', 'operations-lead'];

interface Link {
  role: string;
  person: string;
  token: string;
  standby: string;
}

describe('secrecy over a whole drill', function () {
  this.timeout(60_000);
  let t: TestServer;
  let drillId: string;
  let links: Link[];
  let surprise: { id: string; title: string; dueAt: string; window: { from: string; to: string } };
  let injects: DeliveredInject[] = [];
  let persons: { person: string; name?: string; score: number }[];
  let log: LogEntry[];
  const received: Received[] = [];
  /** What a facilitator sees, where the same scan must find the secrets (it can see them). */
  const staffSees: Received[] = [];
  const observers: { link: Link; client: TestClient }[] = [];

  /** Every route a participant's links open, answers kept as text. */
  const fetchParticipantRoutes = async (moment: string, over = false) => {
    for (const link of links) {
      const paths = [
        `/api/join/${link.token}`,
        `/join/${link.token}`,
        `/api/board/${link.token}`,
        `/api/standby/${link.standby}`,
        `/standby/${link.standby}`,
        ...(over ? [`/api/join/${link.token}/debrief`] : []),
      ];
      for (const path of paths) {
        const res = await fetch(`${t.server.url}${path}`);
        received.push({
          ...link,
          what: `GET ${path.replace(/fd_\w+_[\w-]+/, ':token')} (${moment}, ${res.status})`,
          text: await res.text(),
        });
      }
      if (over) {
        const res = await fetch(`${t.server.url}/api/join/${link.token}/debrief`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            wentWell: 'The bridge opened fast.',
            didNotGoWell: 'Paging was slow.',
          }),
        });
        received.push({
          ...link,
          what: `POST /api/join/:token/debrief (${res.status})`,
          text: await res.text(),
        });
      }
    }
  };

  before(async () => {
    t = await startTestServer();
    const url = t.server.url;
    const f = t.facilitator;
    const people = (await f.get('/api/people').expect(200)).body.people as {
      id: string;
      name: string;
    }[];
    const seeded = t.server.seeded;
    if (!seeded) throw new Error('no seeded demo');
    const standbyOf = (name: string) =>
      seeded.standby.find((s) => s.name === name)?.url.split('/standby/')[1] ?? '';

    // A surprise drill elsewhere in the catalogue, for the same people: its moment is a secret.
    const made = await f
      .post('/api/drills', {
        title: 'Unannounced Gasan cooling drill',
        scenario: 'kakao-viral-surge',
        mode: 'surprise',
        window: {
          from: new Date(T0 + 26 * 60 * MIN).toISOString(),
          to: new Date(T0 + 4 * 24 * 60 * MIN).toISOString(),
        },
        assignments: ROLES.map((role, i) => ({ role, personId: people[i]?.id })),
      })
      .expect(201);
    const record = (await f.get(`/api/drills/${made.body.drill.id}`).expect(200)).body.drill;
    surprise = { id: record.id, title: record.title, dueAt: record.dueAt, window: record.window };

    const created = await f
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        assignments: ROLES.map((role, i) => ({ role, personId: people[i]?.id })),
      })
      .expect(201);
    drillId = created.body.drill.id;
    links = (created.body.links as { role: string; personId: string; url: string }[]).map((l) => {
      const name = people.find((p) => p.id === l.personId)?.name ?? '';
      return {
        role: l.role,
        person: name,
        token: l.url.split('/join/')[1] ?? '',
        standby: standbyOf(name),
      };
    });
    for (const link of links) {
      const client = await TestClient.open(socketUrl(t.server, `/ws?token=${link.token}`));
      observers.push({ link, client });
    }
    await fetchParticipantRoutes('at the start');

    // The bots play one person of each role through that person's own link.
    const runner = t.server.service.runner(drillId) as DrillRunner;
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'facilitator', password: seeded.password }),
    });
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const roleUrls = Object.fromEntries(
      [...new Map(links.map((l) => [l.role, l])).values()].map((l) => [
        l.role,
        socketUrl(t.server, `/ws?token=${l.token}`),
      ]),
    );
    const bots = new SocketBots({
      drill: runner.drill,
      staffUrl: socketUrl(t.server, `/ws?drill=${drillId}&lastSeq=0`),
      cookie,
      roleUrls,
      drillNow: () => runner.clock.now(),
      scale: 1,
      wall: t.clock,
      bots: { seed: 3, faults: FAULTS },
    });
    await bots.connect();

    // An ad-hoc inject for each role alone, and one for two roles.
    for (const role of new Set(ROLES))
      await f
        .post(`/api/drills/${drillId}/inject`, {
          to: [role],
          title: `Private note for the ${role} desk`,
          text: `Only the ${role} may read this: code ${role.length * 7919}-KX.`,
        })
        .expect(201);
    await f
      .post(`/api/drills/${drillId}/inject`, {
        to: ['operator', 'communicator'],
        title: 'Shared by operator and communicator only',
        text: 'Gasan rack B7 keys are with the night guard.',
      })
      .expect(201);

    let ended = false;
    void bots.done.then(() => {
      ended = true;
    });
    for (let step = 0; step < 300 && !ended; step++) {
      t.clock.advance(30_000);
      await t.server.service.settled();
      const live = t.server.service.runner(drillId);
      if (live) injects = [...live.state.injects];
      if (step === 50) await fetchParticipantRoutes('mid-drill');
    }
    bots.close();
    expect(ended, 'the drill reached its end').to.equal(true);
    await eventually(
      'the drill recorded as ended',
      () => t.server.service.record(drillId)?.status === 'ended',
    );

    await fetchParticipantRoutes('after the end', true);
    // A participant who reconnects after the end asks for everything again.
    for (const link of links) {
      const replay = await TestClient.open(
        socketUrl(t.server, `/ws?token=${link.token}&lastSeq=0`),
      ).catch(() => undefined);
      if (replay) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const m of replay.messages)
          received.push({ ...link, what: `replayed ${m.type}`, text: JSON.stringify(m) });
        replay.close();
      }
    }
    for (const { link, client } of observers) {
      for (const m of client.messages)
        received.push({
          ...link,
          what: `socket ${m.type} ${String((m.event as { type?: string } | undefined)?.type ?? '')}`,
          text: JSON.stringify(m),
        });
      client.close();
    }
    const staff = { role: 'facilitator', person: 'facilitator' };
    for (const path of ['/api/drills', `/api/drills/${drillId}/scorecard`])
      staffSees.push({ ...staff, what: `GET ${path}`, text: (await f.get(path).expect(200)).text });
    const card = (await f.get(`/api/drills/${drillId}/scorecard`).expect(200)).body;
    const seededCard = (await f.get(`/api/drills/${seeded.finishedDrill.id}/scorecard`).expect(200))
      .body;
    expect(card.persons.length, 'persons scored in this drill').to.be.at.least(4);
    expect(seededCard.persons.length, 'persons scored in the seeded drill').to.be.at.least(4);
    persons = [...card.persons, ...seededCard.persons];
    log = (await f.get(`/api/drills/${drillId}/log`).expect(200)).text
      .trim()
      .split('\n')
      .map((line: string) => LogEntry.parse(JSON.parse(line)));
  });
  after(async () => {
    for (const { client } of observers) client.close();
    await t?.stop();
  });

  it('had secrets to keep: injects for every role, per-person scores, a drawn surprise moment', () => {
    for (const role of new Set(ROLES))
      expect(
        injects.filter((i) => i.to.includes(role)),
        role,
      ).to.not.be.empty;
    expect(injects.filter((i) => i.adHoc)).to.have.lengthOf(5);
    expect(persons.every((p) => typeof p.score === 'number')).to.equal(true);
    expect(Date.parse(surprise.dueAt)).to.be.greaterThan(T0 + 26 * 60 * MIN);
    // Every participant saw their own injects: the scan reads real traffic.
    for (const { role, person } of links.filter(
      (l, i) => links.findIndex((m) => m.role === l.role) === i,
    )) {
      const mine = received
        .filter((r) => r.person === person)
        .map((r) => r.text)
        .join('\n');
      for (const inject of injects.filter((i) => i.to.includes(role)))
        expect(mine, `${role} sees '${inject.title}'`).to.include(
          JSON.stringify(inject.title).slice(1, -1),
        );
    }
  });

  it('finds those secrets where a facilitator may see them: the scan can see what it looks for', () => {
    const forms = leaks(staffSees, () => momentForms(Date.parse(surprise.dueAt), 'Asia/Seoul'));
    expect(forms.map((l) => l.form)).to.include('ISO');
    const scores = leaks(staffSees, () =>
      persons.filter((p) => !Number.isInteger(p.score)).map((p) => ['score', String(p.score)]),
    );
    expect(scores).to.not.be.empty;
    expect(staffSees.some((r) => SCORE_KEYS.test(r.text))).to.equal(true);
  });

  it('sends each participant exactly the injects audienceOf() gives their role, no other', () => {
    // Only the delivered injects matter to audienceOf() for an inject entry.
    const state = { injects } as Parameters<typeof audienceOf>[1];
    const drill = t.server.library.resolve('kakao-pangyo-fire')?.drill as Parameters<
      typeof audienceOf
    >[0];
    for (const { link, client } of observers) {
      const got = client
        .events()
        .filter((e) => e.type === 'inject-delivered')
        .map((e) => e.seq);
      const due = log
        .filter(
          (e) => e.type === 'inject-delivered' && audienceOf(drill, state, e).includes(link.role),
        )
        .map((e) => e.seq);
      expect(got, `${link.role} ${link.person}`).to.deep.equal(due);
    }
  });

  it('shows no participant an inject addressed only to other roles, nor one never delivered', () => {
    const others = (s: string) =>
      injects
        .filter((i) => i.title === s || i.text === s)
        .map((i) => i.to.join('+'))
        .join(', ');
    // Injects the drill never delivered (a condition that did not happen) reach nobody.
    const drill = t.server.library.resolve('kakao-pangyo-fire')?.drill;
    const undelivered = [...(drill?.injects.values() ?? [])].filter(
      (i) => !injects.some((d) => d.inject === i.id),
    );
    const found = leaks(received, (r) =>
      injects
        .filter((i) => !i.to.includes(r.role))
        .flatMap((i) => [i.title, i.text])
        // A line that some inject of their own also carries is theirs to see.
        .filter(
          (s) =>
            s.length >= 12 &&
            !injects.some(
              (i) => i.to.includes(r.role) && (i.title.includes(s) || i.text.includes(s)),
            ),
        )
        .map((s) => [`an inject to ${others(s)}`, JSON.stringify(s).slice(1, -1)]),
    );
    const never = leaks(received, () =>
      undelivered
        .flatMap((i) => [i.title, i.text])
        .filter((s) => s.length >= 12)
        .map(
          (s) => ['an inject never delivered', JSON.stringify(s).slice(1, -1)] as [string, string],
        ),
    );
    expect([...found, ...never].map(describeLeak).join('\n')).to.equal('');
  });

  it('shows no participant a score, nor anyone’s per-person score in any form', () => {
    const keyed = received.filter((r) => SCORE_KEYS.test(r.text));
    expect(keyed.map((r) => `${r.role} ${r.what}: ${r.text.match(SCORE_KEYS)?.[0]}`)).to.deep.equal(
      [],
    );
    // Whole numbers (100, 70) are everywhere in drill text; a score with a fraction is its own.
    const distinct = persons.filter((p) => !Number.isInteger(p.score));
    expect(distinct.length, 'scores with a fraction, thanks to the faults').to.be.at.least(2);
    const found = leaks(received, () =>
      distinct.flatMap((p) =>
        [
          String(p.score),
          p.score.toFixed(1),
          (p.score / 100).toFixed(3),
          (p.score / 100).toFixed(2),
        ].map((form) => [`${p.name ?? p.person}'s score`, form] as [string, string]),
      ),
    );
    expect(found.map(describeLeak).join('\n')).to.equal('');
  });

  it('shows no participant when the surprise drill starts, in any form, nor that it exists', () => {
    const due = Date.parse(surprise.dueAt);
    const found = leaks(received, () => [
      ...momentForms(due, 'Asia/Seoul'),
      ...momentForms(due, 'UTC').slice(5),
      ['window start', surprise.window.from],
      ['window end', surprise.window.to],
      ['surprise drill id', surprise.id],
      ['surprise drill title', surprise.title],
    ]);
    expect(found.map(describeLeak).join('\n')).to.equal('');
    expect(
      received.filter((r) => STARTS_IN.test(r.text)).map((r) => `${r.role} ${r.what}`),
    ).to.deep.equal([]);
  });
});
